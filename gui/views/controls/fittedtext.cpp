#include "fittedtext.h"

#include <QFontMetrics>
#include <QStringList>
#include <QTextLayout>

#include <algorithm>

namespace raftlab {

FittedText fitToLines(const QString &text, const QFont &font, int width, int lines)
{
    if (text.isEmpty() || lines <= 0)
        return FittedText{.text = QString(), .cut = !text.isEmpty()};
    // QTextLayout breaks only at QChar::LineSeparator, not at '\n'.
    QString laidOut = text;
    laidOut.replace(QLatin1Char('\n'), QChar::LineSeparator);
    const QFontMetrics metrics(font);
    const int room = std::max(1, width);
    QTextLayout layout(laidOut, font);
    layout.beginLayout();
    QStringList shown;
    bool cut = false;
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(room);
        if (int(shown.size()) == lines - 1) {
            // The last line there is room for takes the rest of the text, elided if it is longer.
            QString rest = laidOut.mid(line.textStart());
            rest.replace(QChar::LineSeparator, QLatin1Char(' '));
            rest = rest.trimmed();
            const QString elided = metrics.elidedText(rest, Qt::ElideRight, room);
            cut = elided != rest;
            shown << elided;
            break;
        }
        QString part = laidOut.mid(line.textStart(), line.textLength());
        part.remove(QChar::LineSeparator);
        shown << part.trimmed();
    }
    layout.endLayout();
    return FittedText{.text = shown.join(QLatin1Char('\n')), .cut = cut};
}

} // namespace raftlab
