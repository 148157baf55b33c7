#include "votemark.h"

#include "views/theme.h"

#include <QPainter>
#include <QPainterPath>

#include <cmath>
#include <numbers>

namespace raftlab::pictograph {

void tick(QPainter *painter, QPointF centre, qreal size, const QColor &color, qreal width)
{
    QPainterPath path;
    path.moveTo(centre + QPointF(-0.5, 0.02) * size);
    path.lineTo(centre + QPointF(-0.15, 0.38) * size);
    path.lineTo(centre + QPointF(0.5, -0.38) * size);
    painter->setPen(QPen(color, width, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(path);
}

void cross(QPainter *painter, QPointF centre, qreal size, const QColor &color, qreal width)
{
    painter->setPen(QPen(color, width, Qt::SolidLine, Qt::RoundCap));
    const qreal half = size * 0.38;
    painter->drawLine(centre + QPointF(-half, -half), centre + QPointF(half, half));
    painter->drawLine(centre + QPointF(-half, half), centre + QPointF(half, -half));
}

void ellipsis(QPainter *painter, QPointF centre, qreal size, const QColor &color)
{
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    const qreal dot = size * 0.11;
    for (const qreal x : {-0.36, 0.0, 0.36})
        painter->drawEllipse(centre + QPointF(x * size, 0), dot, dot);
}

void voteMark(QPainter *painter, QPointF centre, qreal radius, VoteAnswer answer, const Theme &theme)
{
    const qreal width = std::max(2.0, radius * 0.28);
    switch (answer) {
    case VoteAnswer::Granted:
        painter->setPen(Qt::NoPen);
        painter->setBrush(theme.voteColor(true));
        painter->drawEllipse(centre, radius, radius);
        tick(painter, centre, radius * 1.25, theme.panel(), width);
        break;
    case VoteAnswer::Refused:
        painter->setPen(Qt::NoPen);
        painter->setBrush(theme.voteColor(false));
        painter->drawEllipse(centre, radius, radius);
        cross(painter, centre, radius * 1.3, theme.panel(), width);
        break;
    case VoteAnswer::Awaited:
        painter->setPen(QPen(theme.mutedText(), std::max(1.5, radius * 0.14)));
        painter->setBrush(theme.panel());
        painter->drawEllipse(centre, radius, radius);
        ellipsis(painter, centre, radius * 1.6, theme.mutedText());
        break;
    }
}

void burst(QPainter *painter, QPointF centre, qreal radius, QColor color, qreal progress)
{
    color.setAlphaF(float(1.0 - progress));
    painter->setPen(QPen(color, radius * 0.35, Qt::SolidLine, Qt::RoundCap));
    const qreal inner = radius * (0.4 + 1.2 * progress);
    const qreal outer = radius * (1.0 + 2.0 * progress);
    for (int ray = 0; ray < 8; ++ray) {
        const qreal angle = ray * std::numbers::pi / 4 + std::numbers::pi / 8;
        const QPointF unit(std::cos(angle), std::sin(angle));
        painter->drawLine(centre + unit * inner, centre + unit * outer);
    }
}

} // namespace raftlab::pictograph
