#pragma once

// RingLayout: where each node sits in the cluster view's scene. Pure geometry, so the view, the items
// and the tests agree on it without a scene.

#include "core/types.h"

#include <QPointF>
#include <QRectF>

#include <map>
#include <vector>

namespace raftlab {

class RingLayout
{
public:
    // The scene the ring is drawn in; the view scales it to the widget (fitInView), so every size in
    // the items is in these units.
    static QRectF sceneRect() { return QRectF(-520, -430, 1040, 860); }

    // Nodes clockwise from 12 o'clock, in the order given (ascending ids: node 1 on top).
    explicit RingLayout(const std::vector<NodeId> &nodes = {});

    QPointF position(NodeId id) const; // the centre; the scene's centre for an unknown node
    qreal nodeRadius() const { return m_nodeRadius; }
    qreal ringRadius() const { return m_ringRadius; }
    std::size_t nodeCount() const { return m_positions.size(); }
    // The direction from `from` to `to`, in degrees, Qt's convention (0 = 3 o'clock, counter-clockwise).
    qreal angleDegrees(NodeId from, NodeId to) const;

private:
    std::map<NodeId, QPointF> m_positions;
    qreal m_ringRadius = 260;
    qreal m_nodeRadius = 56;
};

} // namespace raftlab
