#include "timerarcitem.h"

#include "views/theme.h"

#include <QPainter>

#include <cmath>

namespace raftlab {

namespace {
// Steps of the arc: finer than a pixel on any screen at the ring's size, coarse enough that a frame in
// which the arc would not visibly move repaints nothing.
constexpr qreal steps = 720.0;
} // namespace

TimerArcItem::TimerArcItem(qreal nodeRadius, const Theme *theme, QGraphicsItem *parent)
    : QGraphicsItem(parent)
    , m_theme(theme)
    , m_nodeRadius(nodeRadius)
{
    setVisible(false);
    setAcceptedMouseButtons(Qt::NoButton);
    // Stroking an antialiased arc is dear (it was the largest single cost of an idle frame), and the
    // dots arriving at a follower repaint its arc's area at every frame: draw the arc only when it
    // changes (at most arcsOnlyFrameMs), blit it otherwise.
    setCacheMode(DeviceCoordinateCache);
}

void TimerArcItem::setRemaining(qreal fraction)
{
    const qreal quantized = fraction < 0 ? -1 : std::round(std::min(fraction, 1.0) * steps) / steps;
    if (quantized == m_remaining)
        return;
    m_remaining = quantized;
    setVisible(m_remaining >= 0);
    update();
}

void TimerArcItem::themeChanged()
{
    prepareGeometryChange();
    update();
}

qreal TimerArcItem::arcRadius() const
{
    return radiusFor(m_nodeRadius, *m_theme);
}

qreal TimerArcItem::radiusFor(qreal nodeRadius, const Theme &theme)
{
    return nodeRadius + theme.lineWidth() * 4;
}

QRectF TimerArcItem::boundingRect() const
{
    const qreal reach = arcRadius() + m_theme->lineWidth() * 2;
    return QRectF(-reach, -reach, 2 * reach, 2 * reach);
}

void TimerArcItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    if (m_remaining < 0)
        return;
    painter->setRenderHint(QPainter::Antialiasing);
    const qreal radius = arcRadius();
    const QRectF circle(-radius, -radius, 2 * radius, 2 * radius);
    const qreal width = m_theme->lineWidth() * 2;
    // (The track under it, what a full timer looks like, is the NodeItem's: it never moves.)
    // From 12 o'clock, counter-clockwise: the arc shrinks towards 12 o'clock as time runs out.
    painter->setPen(QPen(m_theme->timerArc(), width, Qt::SolidLine, Qt::FlatCap));
    painter->drawArc(circle, 90 * 16, int(std::lround(m_remaining * 360 * 16)));
}

} // namespace raftlab
