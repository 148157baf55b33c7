#include "leaderpresence.h"

#include <algorithm>

namespace raftlab {

LeaderPresence::LeaderPresence(std::size_t maxSpans)
    : m_spans(maxSpans)
{ }

void LeaderPresence::update(qint64 tUs, NodeId leader)
{
    if (m_started && leader == m_leader)
        return;
    const bool hadLeader = !m_leader.isNone();
    if (!leader.isNone())
        ++m_changes; // a leader elected (or first seen)
    if (leader.isNone() && (hadLeader || !m_started))
        m_spans.push(LeaderlessSpan{.startUs = tUs});
    else if (!leader.isNone() && !hadLeader && !m_spans.isEmpty() && m_spans.back().endUs < 0)
        m_spans.back().endUs = std::max(tUs, m_spans.back().startUs);
    m_leader = leader;
    m_started = true;
}

void LeaderPresence::clear()
{
    m_leader = NodeId{};
    m_started = false;
    m_spans.clear();
    m_changes = 0;
}

qint64 LeaderPresence::leaderlessSinceUs() const
{
    return !hasLeader() && !m_spans.isEmpty() && m_spans.back().endUs < 0 ? m_spans.back().startUs : -1;
}

qint64 LeaderPresence::leaderlessUs(qint64 fromUs, qint64 toUs) const
{
    qint64 total = 0;
    m_spans.forEach([&](const LeaderlessSpan &span) {
        const qint64 end = span.endUs < 0 ? toUs : span.endUs;
        total += std::max<qint64>(0, std::min(end, toUs) - std::max(span.startUs, fromUs));
    });
    return total;
}

} // namespace raftlab
