#include "safetybanner.h"

#include "views/theme.h"

#include <QEvent>
#include <QJsonDocument>

#include <algorithm>

namespace raftlab {

namespace {

// One event in a line: its type, node, term and the fields that matter here.
QString eventLine(const QJsonObject &event)
{
    QJsonObject shown = event;
    shown.remove(QStringLiteral("entries")); // long; the index and term say enough
    QString json = QString::fromUtf8(QJsonDocument(shown).toJson(QJsonDocument::Compact));
    if (json.size() > 160)
        json = json.left(159) + QChar(0x2026);
    return json;
}

} // namespace

SafetyBanner::SafetyBanner(QWidget *parent)
    : QLabel(parent)
{
    setObjectName(QStringLiteral("safetyBanner"));
    setWordWrap(true);
    setTextFormat(Qt::PlainText);
    setCursor(Qt::PointingHandCursor);
    setToolTip(tr("Click to dismiss"));
    parent->installEventFilter(this);
    hide();
}

QString SafetyBanner::describe(const SafetyViolation &violation)
{
    QStringList nodes;
    for (NodeId id : violation.nodes)
        nodes << QString::number(id.value);
    QStringList lines{tr("SAFETY VIOLATED — %1: %2").arg(toString(violation.rule), violation.text),
                      tr("Nodes %1 · term %2 · index %3")
                          .arg(nodes.join(QStringLiteral(", ")))
                          .arg(violation.term)
                          .arg(violation.index)};
    for (const QJsonObject &event : violation.events)
        lines << QStringLiteral("  %1").arg(eventLine(event));
    return lines.join(QLatin1Char('\n'));
}

void SafetyBanner::showViolation(const SafetyViolation &violation)
{
    ++m_count;
    QString text = describe(violation);
    if (m_count > 1)
        text += tr("\n(%1 violations so far; this is the latest)").arg(m_count);
    setText(text);
    place();
    show();
    raise();
}

void SafetyBanner::applyTheme(const Theme &theme)
{
    setFont(theme.font(1.1, true));
    setStyleSheet(QStringLiteral("QLabel#safetyBanner { background: rgba(190, 20, 30, 235); color: white;"
                                 " border-radius: 8px; padding: 10px 16px; }"));
    place();
}

bool SafetyBanner::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == parent() && event->type() == QEvent::Resize)
        place();
    return QLabel::eventFilter(watched, event);
}

void SafetyBanner::mousePressEvent(QMouseEvent *)
{
    hide();
}

void SafetyBanner::place()
{
    const QWidget *host = parentWidget();
    if (!host)
        return;
    const int margin = 12;
    const int width = std::max(200, host->width() - 2 * margin);
    const int height = std::min(heightForWidth(width), host->height() / 2);
    setGeometry(margin, margin, width, height);
}

} // namespace raftlab
