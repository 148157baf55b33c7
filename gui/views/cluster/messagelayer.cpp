#include "messagelayer.h"

#include "views/theme.h"
#include "votemark.h"

#include <QLineF>
#include <QPainter>
#include <QPainterPath>
#include <QStyleOptionGraphicsItem>

#include <cmath>
#include <numbers>

namespace raftlab {

MessageLayer::MessageLayer(const Theme *theme)
    : m_theme(theme)
{
    setZValue(1);
    setAcceptedMouseButtons(Qt::NoButton); // clicks go through to the links below
    // exposedRect in paint(): only the dots inside the repainted area are drawn.
    setFlag(ItemUsesExtendedStyleOption);
}

void MessageLayer::setLayout(const RingLayout &layout)
{
    m_layout = layout;
    update();
}

void MessageLayer::setDots(const std::vector<MessageDot> &dots)
{
    if (dots.empty() && m_dots.empty())
        return; // nothing was drawn, nothing to draw: no repaint at all
    // Repaint around where the dots were and where they are. QGraphicsItem unites an item's partial
    // updates of a frame into one rectangle anyway (and the view pays per rectangle of a region, so
    // separate squares would cost more), so compute that rectangle directly: for a calm cluster it
    // is the ring's inner part, a quarter of the scene, not the whole of it with the legend.
    QRectF dirty;
    for (const MessageDot &dot : m_dots)
        dirty |= areaOf(dot);
    m_dots = dots;
    for (const MessageDot &dot : m_dots)
        dirty |= areaOf(dot);
    update(dirty);
}

QRectF MessageLayer::areaOf(const MessageDot &dot) const
{
    const qreal reach = dotRadius() * (dot.burst >= 0 ? 3.2 : 1.3) + 2; // + antialiasing
    const QPointF at = positionOf(dot);
    return QRectF(at.x() - reach, at.y() - reach, 2 * reach, 2 * reach);
}

qreal MessageLayer::dotRadius() const
{
    return (m_theme->isProjector() ? 8.5 : 7.0) * std::min(1.0, m_layout.nodeRadius() / 50.0);
}

QPointF MessageLayer::positionOf(const MessageDot &dot) const
{
    const QPointF from = m_layout.position(dot.from);
    const QPointF to = m_layout.position(dot.to);
    const QLineF line(from, to);
    const qreal length = line.length();
    if (length <= 0)
        return from;
    const qreal rim = m_layout.nodeRadius() + 4;
    const qreal along = rim + (length - 2 * rim) * dot.progress;
    // The lane: to the right of the direction of travel, so the two directions pass side by side.
    const QPointF direction = (to - from) / length;
    const QPointF right(-direction.y(), direction.x());
    return from + direction * along + right * (dotRadius() * 0.9);
}

std::optional<MessageDot> MessageLayer::dotAt(QPointF scenePosition) const
{
    // A little more than the dot itself: a moving dot is hard to hit exactly.
    const qreal reach = dotRadius() * 2.0;
    std::optional<MessageDot> nearest;
    qreal nearestDistance = reach;
    for (const MessageDot &dot : m_dots) {
        if (dot.burst >= 0) // already lost: nothing to act on
            continue;
        const qreal distance = QLineF(positionOf(dot), scenePosition).length();
        if (distance <= nearestDistance) {
            nearest = dot;
            nearestDistance = distance;
        }
    }
    return nearest;
}

QRectF MessageLayer::boundingRect() const
{
    return RingLayout::sceneRect();
}

void MessageLayer::themeChanged()
{
    m_sprites.clear();
    update();
}

void MessageLayer::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    if (m_dots.empty())
        return;
    painter->setRenderHint(QPainter::Antialiasing);
    const QRectF exposed = option->exposedRect;
    const QTransform world = painter->worldTransform();
    // Sprites need a plain scale (what fitInView gives); anything else is drawn as vectors.
    const bool useSprites = world.type() <= QTransform::TxScale && qFuzzyCompare(world.m11(), world.m22());
    const qreal devicePixelRatio = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
    bool anyBurst = false;
    for (const MessageDot &dot : m_dots) {
        const QPointF at = positionOf(dot);
        if (!exposed.contains(at) && !exposed.intersects(areaOf(dot)))
            continue;
        if (dot.burst >= 0) {
            anyBurst = true; // drawn last, clipped around the words
        } else if (useSprites) {
            const QPixmap &sprite = spriteOf(dot, world.m11(), devicePixelRatio);
            const QPointF centre = world.map(at);
            painter->setWorldTransform(QTransform());
            painter->drawPixmap(centre - QPointF(sprite.width(), sprite.height()) / (2 * devicePixelRatio),
                                sprite);
            painter->setWorldTransform(world);
        } else {
            paintDot(painter, dot, at);
        }
    }
    if (!anyBurst)
        return;
    painter->save();
    painter->setClipPath(burstClip(), Qt::IntersectClip);
    for (const MessageDot &dot : m_dots) {
        if (dot.burst < 0)
            continue;
        const QPointF at = positionOf(dot);
        if (exposed.contains(at) || exposed.intersects(areaOf(dot)))
            paintBurst(painter, dot, at);
    }
    painter->restore();
}

QPainterPath MessageLayer::burstClip() const
{
    QPainterPath clip;
    clip.addRect(boundingRect());
    if (!m_keepClear)
        return clip;
    QPainterPath words;
    for (const QRectF &rect : m_keepClear())
        words.addRect(rect.adjusted(-2, -2, 2, 2)); // the rays' round caps stay off the letters too
    return clip.subtracted(words);
}

const QPixmap &MessageLayer::spriteOf(const MessageDot &dot, qreal scale, qreal devicePixelRatio)
{
    if (scale * devicePixelRatio != m_spriteScale) {
        m_sprites.clear();
        m_spriteScale = scale * devicePixelRatio;
    }
    const QColor color = m_theme->messageColor(dot.type);
    QPixmap &sprite = m_sprites[{color.rgb(), dot.isResponse, dot.failed}];
    if (!sprite.isNull())
        return sprite;
    const int side = int(std::ceil((dotRadius() + 2) * 2 * scale * devicePixelRatio)) + 2;
    sprite = QPixmap(side, side);
    sprite.setDevicePixelRatio(devicePixelRatio);
    sprite.fill(Qt::transparent);
    QPainter painter(&sprite);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.translate(side / (2 * devicePixelRatio), side / (2 * devicePixelRatio));
    painter.scale(scale, scale);
    paintDot(&painter, dot, QPointF());
    return sprite;
}

void MessageLayer::paintDot(QPainter *painter, const MessageDot &dot, QPointF at) const
{
    const qreal radius = dotRadius();
    const QColor color = m_theme->messageColor(dot.type);
    if (dot.isResponse) { // hollow: a reply
        painter->setPen(QPen(color, radius * 0.42));
        painter->setBrush(m_theme->panel());
        painter->drawEllipse(at, radius * 0.85, radius * 0.85);
        if (dot.failed)
            pictograph::cross(painter, at, radius * 1.5, m_theme->voteColor(false), radius * 0.32);
        return;
    }
    painter->setPen(QPen(color.darker(140), 1));
    painter->setBrush(color);
    painter->drawEllipse(at, radius, radius);
}

void MessageLayer::paintBurst(QPainter *painter, const MessageDot &dot, QPointF at) const
{
    // "This message died here."
    pictograph::burst(painter, at, dotRadius(), m_theme->messageColor(dot.type), dot.burst);
}

} // namespace raftlab
