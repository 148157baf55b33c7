#pragma once

#include "ringbuffer.h"
#include "streamevent.h"

namespace raftlab {

// A stretch of time when no running node led the cluster; endUs is -1 while it lasts.
struct LeaderlessSpan
{
    qint64 startUs = 0;
    qint64 endUs = -1;
};

// Who led the cluster over time, and for how long nobody did (the "time without a leader" chart).
class LeaderPresence
{
public:
    explicit LeaderPresence(std::size_t maxSpans = 1024);

    void update(qint64 tUs, NodeId leader);
    void clear();

    NodeId leader() const { return m_leader; }
    bool hasLeader() const { return !m_leader.isNone(); }
    qint64 leaderlessSinceUs() const; // -1 while there is a leader
    // Total time without a leader within [fromUs, toUs] (an open span counts up to toUs).
    qint64 leaderlessUs(qint64 fromUs, qint64 toUs) const;
    const RingBuffer<LeaderlessSpan> &spans() const { return m_spans; }
    int leaderChanges() const { return m_changes; } // times a node was seen to take the lead

private:
    NodeId m_leader{};
    bool m_started = false;
    RingBuffer<LeaderlessSpan> m_spans;
    int m_changes = 0;
};

} // namespace raftlab
