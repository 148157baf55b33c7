#pragma once

// The pictographs of the cluster view, drawn as paths (not font glyphs, which a projector's font may
// lack): ✓ granted, ✗ refused or failed, … awaited, and the rays of a lost message. Shared by the nodes, the
// dots and the legend.

#include "model/nodestate.h"

#include <QPointF>

class QPainter;
class QColor;

namespace raftlab {

class Theme;

namespace pictograph {

void tick(QPainter *painter, QPointF centre, qreal size, const QColor &color, qreal width);
void cross(QPainter *painter, QPointF centre, qreal size, const QColor &color, qreal width);
void ellipsis(QPainter *painter, QPointF centre, qreal size, const QColor &color);
// A vote answer in a disc: green ✓, red ✗, or a hollow … while awaited.
void voteMark(QPainter *painter, QPointF centre, qreal radius, VoteAnswer answer, const Theme &theme);
// A message that died here (its link is cut or its receiver down): rays that fly apart and fade as
// `progress` goes from 0 to 1. `radius` is the message dot's.
void burst(QPainter *painter, QPointF centre, qreal radius, QColor color, qreal progress);

} // namespace pictograph
} // namespace raftlab
