#include "legenditem.h"

#include "ringlayout.h"
#include "scenefonts.h"
#include "views/theme.h"
#include "votemark.h"

#include <QCoreApplication>
#include <QCursor>
#include <QFontMetricsF>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>

namespace raftlab {

namespace {

constexpr qreal legendPixels = LegendItem::textPixels;
constexpr qreal hintPixels = HintItem::textPixels;

struct MessageKey
{
    MessageType type;
    const char *text;
};

constexpr MessageKey messageKeys[] = {
    {MessageType::RequestVote, QT_TRANSLATE_NOOP("LegendItem", "vote request")},
    {MessageType::AppendEntries, QT_TRANSLATE_NOOP("LegendItem", "append entries")},
    {MessageType::Heartbeat, QT_TRANSLATE_NOOP("LegendItem", "heartbeat")},
    {MessageType::InstallSnapshot, QT_TRANSLATE_NOOP("LegendItem", "snapshot")},
    {MessageType::TimeoutNow, QT_TRANSLATE_NOOP("LegendItem", "timeout now")},
};
// The rows after the message types, in the order they are drawn.
constexpr const char *replyText = QT_TRANSLATE_NOOP("LegendItem", "hollow = a reply");
constexpr const char *refusedText = QT_TRANSLATE_NOOP("LegendItem", "✗ on a reply = refused");
constexpr const char *lostText = QT_TRANSLATE_NOOP("LegendItem", "rays = message lost");
constexpr const char *cutText = QT_TRANSLATE_NOOP("LegendItem", "dashed red = cut link");
constexpr const char *timerText = QT_TRANSLATE_NOOP("LegendItem", "arc = election timer");
constexpr const char *votesText = QT_TRANSLATE_NOOP("LegendItem", "vote yes / no / waiting");
constexpr const char *otherTexts[] = {replyText, refusedText, lostText, cutText, timerText, votesText};
constexpr const char *tabText = QT_TRANSLATE_NOOP("LegendItem", "Legend ▸");

QString tr(const char *text)
{
    return QCoreApplication::translate("LegendItem", text);
}

} // namespace

LegendItem::LegendItem(const Theme *theme)
    : m_theme(theme)
{
    setZValue(3);
    setCacheMode(DeviceCoordinateCache);
    setAcceptedMouseButtons(Qt::LeftButton);
    setCursor(Qt::PointingHandCursor);
    // Sized in screen pixels, whatever the ring's scale: the view keeps a column free for it.
    setFlag(ItemIgnoresTransformations);
    m_bounds = computeBounds(m_folded);
    setPos(RingLayout::sceneRect().topLeft());
    setToolTip(QCoreApplication::translate("LegendItem", "Click to fold the legend"));
}

void LegendItem::setFolded(bool folded)
{
    if (folded == m_folded)
        return;
    prepareGeometryChange();
    m_folded = folded;
    m_bounds = computeBounds(m_folded);
    setToolTip(
        folded ? QCoreApplication::translate("LegendItem", "Click to open the legend: what the marks mean")
               : QCoreApplication::translate("LegendItem", "Click to fold the legend"));
    update();
}

void LegendItem::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    event->accept(); // the release comes here, not to a link under the legend
}

void LegendItem::mouseReleaseEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_onClicked && m_bounds.contains(event->pos()))
        m_onClicked();
}

void LegendItem::themeChanged()
{
    prepareGeometryChange();
    m_bounds = computeBounds(m_folded);
    update();
}

qreal LegendItem::rowHeight() const
{
    return QFontMetricsF(scenefonts::onScreen(*m_theme, legendPixels)).height() + 4;
}

QRectF LegendItem::computeBounds(bool folded) const
{
    const QFontMetricsF metrics(scenefonts::onScreen(*m_theme, legendPixels));
    if (folded)
        return QRectF(0, 0, metrics.horizontalAdvance(tr(tabText)) + 16, rowHeight() + 8);
    qreal widest = 0;
    for (const MessageKey &key : messageKeys)
        widest = std::max(widest, metrics.horizontalAdvance(tr(key.text)));
    for (const char *line : otherTexts)
        widest = std::max(widest, metrics.horizontalAdvance(tr(line)));
    const qreal width = widest + rowHeight() * 1.7 + 16;
    const int rows = int(std::size(messageKeys) + std::size(otherTexts));
    return QRectF(0, 0, width, rowHeight() * rows + 12);
}

QRectF LegendItem::boundingRect() const
{
    return m_bounds;
}

void LegendItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    paintPanel(painter, m_bounds);
    if (m_folded)
        paintTab(painter);
    else
        paintKey(painter, m_bounds.width());
}

QImage LegendItem::openPicture(qreal devicePixelRatio) const
{
    const QRectF bounds = computeBounds(false);
    QImage image((bounds.size() * devicePixelRatio).toSize(), QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(devicePixelRatio);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    paintPanel(&painter, bounds);
    paintKey(&painter, bounds.width());
    return image;
}

void LegendItem::paintPanel(QPainter *painter, const QRectF &bounds) const
{
    painter->setRenderHint(QPainter::Antialiasing);
    QColor panel = m_theme->panel();
    panel.setAlphaF(0.9f);
    painter->setPen(QPen(m_theme->grid(), 1));
    painter->setBrush(panel);
    painter->drawRoundedRect(bounds.adjusted(0.5, 0.5, -0.5, -0.5), 6, 6);
}

void LegendItem::paintTab(QPainter *painter) const
{
    painter->setPen(m_theme->text());
    painter->setFont(scenefonts::onScreen(*m_theme, legendPixels));
    painter->drawText(m_bounds, Qt::AlignCenter, tr(tabText));
}

void LegendItem::paintKey(QPainter *painter, qreal width) const
{
    const Theme &theme = *m_theme;
    const qreal row = rowHeight();
    const qreal r = row * 0.28;
    const qreal textX = row * 1.7 + 6;
    painter->setFont(scenefonts::onScreen(theme, legendPixels));
    qreal y = 6;
    const auto text = [&](const QString &line) {
        painter->setPen(theme.text());
        painter->drawText(QRectF(textX, y, width - textX, row), Qt::AlignVCenter, line);
    };
    const auto centre = [&] {
        return QPointF(row * 0.85 + 2, y + row / 2);
    };

    for (const MessageKey &key : messageKeys) {
        painter->setPen(QPen(theme.messageColor(key.type).darker(140), 1));
        painter->setBrush(theme.messageColor(key.type));
        painter->drawEllipse(centre(), r, r);
        text(tr(key.text));
        y += row;
    }
    painter->setPen(QPen(theme.mutedText(), r * 0.45));
    painter->setBrush(theme.panel());
    painter->drawEllipse(centre(), r * 0.85, r * 0.85);
    text(tr(replyText));
    y += row;
    painter->setPen(QPen(theme.mutedText(), r * 0.45));
    painter->drawEllipse(centre(), r * 0.85, r * 0.85);
    pictograph::cross(painter, centre(), r * 1.5, theme.voteColor(false), r * 0.35);
    text(tr(refusedText));
    y += row;
    pictograph::burst(painter, centre(), r, theme.messageColor(MessageType::Heartbeat), 0.35);
    text(tr(lostText));
    y += row;
    QPen cut(theme.cutLink(), 2.5, Qt::DashLine, Qt::FlatCap);
    cut.setDashPattern({3, 2.5});
    painter->setPen(cut);
    painter->drawLine(centre() - QPointF(r * 2.2, 0), centre() + QPointF(r * 2.2, 0));
    text(tr(cutText));
    y += row;
    painter->setPen(QPen(theme.timerArc(), theme.lineWidth() * 1.5, Qt::SolidLine, Qt::FlatCap));
    painter->setBrush(Qt::NoBrush);
    painter->drawArc(QRectF(centre() - QPointF(r * 1.4, r * 1.4), QSizeF(r * 2.8, r * 2.8)), 90 * 16,
                     250 * 16);
    text(tr(timerText));
    y += row;
    // Three marks in the room of one key and its margins.
    pictograph::voteMark(painter, centre() - QPointF(r * 1.7, 0), r * 0.7, VoteAnswer::Granted, theme);
    pictograph::voteMark(painter, centre(), r * 0.7, VoteAnswer::Refused, theme);
    pictograph::voteMark(painter, centre() + QPointF(r * 1.7, 0), r * 0.7, VoteAnswer::Awaited, theme);
    text(tr(votesText));
}

HintItem::HintItem(const Theme *theme)
    : m_theme(theme)
{
    setZValue(3);
    setAcceptedMouseButtons(Qt::NoButton);
    setCacheMode(DeviceCoordinateCache);
    // Screen pixels, centred on its position (the bottom middle of the view): see LegendItem.
    setFlag(ItemIgnoresTransformations);
}

void HintItem::setText(const QString &text)
{
    if (text == m_text)
        return;
    prepareGeometryChange(); // the bounds follow the text's width
    m_text = text;
    update();
}

void HintItem::themeChanged()
{
    prepareGeometryChange();
    update();
}

void HintItem::setMaximumWidth(qreal pixels)
{
    if (pixels == m_maximumWidth)
        return;
    prepareGeometryChange();
    m_maximumWidth = pixels;
    update();
}

QRectF HintItem::boundingRect() const
{
    const QFontMetricsF metrics(scenefonts::onScreen(*m_theme, hintPixels));
    const QRectF text = metrics.boundingRect(QRectF(0, 0, std::max(40.0, m_maximumWidth - 16), 1e4),
                                             Qt::AlignCenter | Qt::TextWordWrap, m_text);
    const qreal width = text.width() + 16;
    const qreal height = text.height() + 8;
    return QRectF(-width / 2, -height, width, height);
}

void HintItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    painter->setPen(m_theme->mutedText());
    painter->setFont(scenefonts::onScreen(*m_theme, hintPixels));
    painter->drawText(boundingRect(), Qt::AlignCenter | Qt::TextWordWrap, m_text);
}

} // namespace raftlab
