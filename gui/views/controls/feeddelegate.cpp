#include "feeddelegate.h"

#include "model/narration.h"

#include <QAbstractItemView>
#include <QCoreApplication>
#include <QFontMetrics>
#include <QHelpEvent>
#include <QPainter>
#include <QTextLayout>
#include <QToolTip>

#include <limits>

namespace raftlab {

namespace {

// The tooltip: the whole sentence, and what the row abbreviates.
QString tooltipFor(const QModelIndex &index)
{
    const int node = index.data(Narration::NodeRole).toInt();
    const QString who = node > 0 ? QCoreApplication::translate("EventFeed", "node %1").arg(node)
                                 : QCoreApplication::translate("EventFeed", "the cluster");
    return QCoreApplication::translate("EventFeed", "%1\n\n(%2 event of %3, term %4)")
        .arg(index.data(Narration::TextRole).toString(), index.data(Narration::TypeRole).toString(), who)
        .arg(index.data(Narration::TermRole).toLongLong());
}

} // namespace

FeedDelegate::FeedDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{
    measure();
}

void FeedDelegate::setTheme(const Theme &theme)
{
    m_theme = theme;
    measure();
}

void FeedDelegate::setLinesPerRow(int lines)
{
    m_linesPerRow = std::max(1, lines);
    measure();
}

void FeedDelegate::measure()
{
    m_textFont = m_theme.font(1.0);
    m_timeFont = m_theme.font(0.9);
    m_timeFont.setFamily(QStringLiteral("monospace"));
    m_timeFont.setStyleHint(QFont::TypeWriter);
    m_chipFont = m_theme.font(0.9, true);
    const QFontMetrics text(m_textFont);
    m_lineHeight = text.lineSpacing();
    m_padding = std::max(3, m_lineHeight / 4);
    m_timeWidth = QFontMetrics(m_timeFont).horizontalAdvance(QStringLiteral("+99:59.999")) + m_padding;
    m_chipWidth = QFontMetrics(m_chipFont).horizontalAdvance(QStringLiteral("99")) + 2 * m_padding;
    m_rowHeight = m_linesPerRow * m_lineHeight + 2 * m_padding;
}

QString FeedDelegate::relativeTime(qint64 tUs, qint64 originUs)
{
    const qint64 ms = std::max<qint64>(0, tUs - originUs) / 1000;
    if (ms < 60'000)
        return QStringLiteral("+%1.%2 s").arg(ms / 1000).arg(ms % 1000, 3, 10, QLatin1Char('0'));
    return QStringLiteral("+%1:%2.%3")
        .arg(ms / 60'000)
        .arg(ms / 1000 % 60, 2, 10, QLatin1Char('0'))
        .arg(ms % 1000, 3, 10, QLatin1Char('0'));
}

void FeedDelegate::setWholeSentences(bool whole)
{
    m_wholeSentences = whole;
}

void FeedDelegate::setRowWidth(int width)
{
    m_rowWidth = std::max(1, width);
}

bool FeedDelegate::stacked(int rowWidth) const
{
    // A narrow projector feed puts the time and the chip on a line of their own: beside them, the
    // sentence would get a column a few words wide.
    const int beside = rowWidth - 3 * m_padding - m_timeWidth - m_chipWidth - 1;
    return m_wholeSentences && beside < 2 * (m_timeWidth + m_chipWidth);
}

int FeedDelegate::textLeft(int rowWidth) const
{
    return stacked(rowWidth) ? m_padding : 2 * m_padding + m_timeWidth + m_chipWidth + 1;
}

int FeedDelegate::textWidth(int rowWidth) const
{
    return std::max(1, rowWidth - m_padding - textLeft(rowWidth));
}

QStringList FeedDelegate::linesOf(const QString &text, int rowWidth) const
{
    return wrap(text, textWidth(rowWidth));
}

QSize FeedDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const int width = option.rect.width() > 0 ? option.rect.width() : m_rowWidth;
    if (!m_wholeSentences)
        return {width, m_rowHeight};
    const int lines = int(wrap(index.data(Narration::TextRole).toString(), textWidth(m_rowWidth)).size()) +
        (stacked(m_rowWidth) ? 1 : 0);
    return {width, std::max(1, lines) * m_lineHeight + 2 * m_padding};
}

QStringList FeedDelegate::wrap(const QString &text, int width) const
{
    const QFontMetrics metrics(m_textFont);
    if (m_linesPerRow == 1 && !m_wholeSentences)
        return {metrics.elidedText(text, Qt::ElideRight, width)};
    const int limit = m_wholeSentences ? std::numeric_limits<int>::max() : m_linesPerRow;
    QStringList lines;
    QTextLayout layout(text, m_textFont);
    layout.beginLayout();
    while (int(lines.size()) < limit) {
        QTextLine line = layout.createLine();
        if (!line.isValid())
            break;
        line.setLineWidth(width);
        const bool last = int(lines.size()) == limit - 1;
        if (last && line.textStart() + line.textLength() < text.size()) { // more would follow: elide
            lines << metrics.elidedText(text.mid(line.textStart()), Qt::ElideRight, width);
            break;
        }
        lines << text.mid(line.textStart(), line.textLength()).trimmed();
    }
    layout.endLayout();
    return lines;
}

void FeedDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                         const QModelIndex &index) const
{
    painter->save();
    const QRect row = option.rect;
    const bool selected = option.state.testFlag(QStyle::State_Selected);
    painter->fillRect(row, selected ? m_theme.grid() : m_theme.panel());
    painter->setPen(m_theme.grid());
    painter->drawLine(row.bottomLeft(), row.bottomRight()); // a hairline between sentences

    // The sentence first: a short one is centred in the row, and the time and chip sit on its first line.
    const int left = row.left() + textLeft(row.width());
    const int width = textWidth(row.width());
    const int textTop = stacked(row.width()) ? m_lineHeight : 0; // under the time and the chip
    const QStringList lines = wrap(index.data(Narration::TextRole).toString(), width);
    const int rowLines = m_wholeSentences ? int(lines.size()) : m_linesPerRow;
    const int firstTop = row.top() + m_padding + (rowLines - int(lines.size())) * m_lineHeight / 2;

    painter->setFont(m_timeFont);
    painter->setPen(m_theme.mutedText());
    const QRect timeBox(row.left() + m_padding, firstTop, m_timeWidth, m_lineHeight);
    painter->drawText(timeBox, Qt::AlignLeft | Qt::AlignVCenter,
                      relativeTime(index.data(Narration::TimeRole).toLongLong(), m_originUs));

    // The node chip: its number on the fill of the sentence's term; the cluster's sentences (faults)
    // get an outlined "!" instead of a number.
    const int node = index.data(Narration::NodeRole).toInt();
    const QRect chip(timeBox.right() + 1, firstTop + 1, m_chipWidth, m_lineHeight - 2);
    painter->setRenderHint(QPainter::Antialiasing);
    if (node > 0) {
        painter->setBrush(
            m_theme.termColor(Term(std::uint64_t(index.data(Narration::TermRole).toLongLong()))));
        painter->setPen(QPen(m_theme.text(), 1));
    } else {
        painter->setBrush(m_theme.panel());
        painter->setPen(QPen(m_theme.cutLink(), m_theme.lineWidth()));
    }
    const qreal radius = chip.height() / 4.0;
    painter->drawRoundedRect(QRectF(chip).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius);
    painter->setFont(m_chipFont);
    painter->setPen(node > 0 ? m_theme.text() : m_theme.cutLink());
    painter->drawText(chip, Qt::AlignCenter, node > 0 ? QString::number(node) : QStringLiteral("!"));

    painter->setFont(m_textFont);
    painter->setPen(m_theme.text());
    for (int line = 0; line < int(lines.size()); ++line)
        painter->drawText(QRect(left, firstTop + textTop + line * m_lineHeight, width, m_lineHeight),
                          Qt::AlignLeft | Qt::AlignVCenter, lines.at(line));
    painter->restore();
}

bool FeedDelegate::helpEvent(QHelpEvent *event, QAbstractItemView *view, const QStyleOptionViewItem &option,
                             const QModelIndex &index)
{
    if (event && event->type() == QEvent::ToolTip && index.isValid()) {
        QToolTip::showText(event->globalPos(), tooltipFor(index), view);
        return true;
    }
    return QStyledItemDelegate::helpEvent(event, view, option, index);
}

} // namespace raftlab
