#include "ringlayout.h"

#include <QLineF>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace raftlab {

RingLayout::RingLayout(const std::vector<NodeId> &nodes)
{
    const std::size_t count = nodes.size();
    m_ringRadius = count <= 2 ? 220.0 : 265.0;
    // Neighbours must not touch, vote marks included (they reach ~0.5 radius beyond the circle):
    // the node shrinks only when the ring is crowded (7-9 nodes).
    const qreal chord = count <= 1 ? 1000.0 : 2.0 * m_ringRadius * std::sin(std::numbers::pi / qreal(count));
    m_nodeRadius = std::clamp(chord * 0.29, 36.0, 56.0);
    for (std::size_t i = 0; i < count; ++i) {
        if (count == 1) {
            m_positions[nodes[i]] = QPointF(0, 0);
            continue;
        }
        // Two nodes side by side; three or more clockwise from the top.
        const qreal start = count == 2 ? std::numbers::pi : -std::numbers::pi / 2;
        const qreal angle = start + 2.0 * std::numbers::pi * qreal(i) / qreal(count);
        m_positions[nodes[i]] = QPointF(m_ringRadius * std::cos(angle), m_ringRadius * std::sin(angle));
    }
}

QPointF RingLayout::position(NodeId id) const
{
    const auto it = m_positions.find(id);
    return it == m_positions.end() ? QPointF() : it->second;
}

qreal RingLayout::angleDegrees(NodeId from, NodeId to) const
{
    return QLineF(position(from), position(to)).angle();
}

} // namespace raftlab
