#include "progress.h"

#include <algorithm>

namespace raftlab {

const char *Progress::check(LogIndex leaderLastIndex, int maxInflight) const
{
    if (m_match >= m_next)
        return "Progress: matchIndex must stay below nextIndex";
    if (m_match > leaderLastIndex)
        return "Progress: matchIndex beyond the leader's last entry";
    if (m_next > leaderLastIndex.next())
        return "Progress: nextIndex beyond the leader's last entry + 1";
    if (m_state != ProgressState::Replicate && !m_inflight.empty())
        return "Progress: appends counted in flight outside Replicate";
    if (m_inflight.size() > static_cast<std::size_t>(maxInflight))
        return "Progress: more appends in flight than the window allows";
    LogIndex previous = m_match;
    for (LogIndex last : m_inflight) {
        if (last <= previous)
            return "Progress: appends in flight not ascending above matchIndex";
        previous = last;
    }
    if (!m_inflight.empty() && m_inflight.back() >= m_next)
        return "Progress: an append in flight ends at or beyond nextIndex";
    if (m_state == ProgressState::Snapshot && m_pendingSnapshot == LogIndex{})
        return "Progress: sending a snapshot without knowing which";
    return nullptr;
}

void Progress::becomeProbe()
{
    // Coming back from a snapshot, resume after it: the follower has at least that much.
    if (m_state == ProgressState::Snapshot)
        m_next = std::max(m_match.next(), m_pendingSnapshot.next());
    else
        m_next = m_match.next();
    m_state = ProgressState::Probe;
    m_probeSent = false;
    m_inflight.clear();
    m_pendingSnapshot = LogIndex{};
    m_snapshotOffset = 0;
    m_snapshotChunkInFlight = false;
}

void Progress::becomeReplicate()
{
    m_state = ProgressState::Replicate;
    m_next = m_match.next();
    m_probeSent = false;
    m_inflight.clear();
}

void Progress::becomeSnapshot(LogIndex snapshotIndex)
{
    m_state = ProgressState::Snapshot;
    m_pendingSnapshot = snapshotIndex;
    m_snapshotOffset = 0;
    m_snapshotChunkInFlight = false;
    m_inflight.clear();
}

bool Progress::acknowledge(LogIndex index)
{
    const bool updated = index > m_match;
    if (updated) {
        m_match = index;
        m_probeSent = false;
    }
    m_next = std::max(m_next, index.next());
    while (!m_inflight.empty() && m_inflight.front() <= index)
        m_inflight.pop_front();
    return updated;
}

bool Progress::rejectedAt(LogIndex rejected, LogIndex hintNext)
{
    if (m_state == ProgressState::Replicate) {
        // Only a rejection beyond what is known to match concerns us; older ones are reordered duplicates.
        if (rejected <= m_match)
            return false;
        const LogIndex retry = std::max(m_match.next(), std::min(hintNext, rejected));
        becomeProbe();
        m_next = retry;
        return true;
    }
    // Probe: only the answer to the probe we sent (prevLogIndex = next - 1) counts.
    if (m_next.previous() != rejected)
        return false;
    m_next = std::max(m_match.next(), std::min(hintNext, rejected));
    m_probeSent = false;
    return true;
}

void Progress::sentAppend(LogIndex lastIndex, bool carriedEntries)
{
    switch (m_state) {
    case ProgressState::Replicate:
        if (carriedEntries) {
            m_next = lastIndex.next();
            m_inflight.push_back(lastIndex);
        }
        break;
    case ProgressState::Probe:
        m_probeSent = true;
        break;
    case ProgressState::Snapshot:
        break; // never sent: isPaused() holds in this state (and Invariants checks no append is in flight)
    }
}

bool Progress::isPaused(int maxInflight) const
{
    switch (m_state) {
    case ProgressState::Probe:
        return m_probeSent;
    case ProgressState::Replicate:
        return m_inflight.size() >= static_cast<std::size_t>(maxInflight);
    case ProgressState::Snapshot:
        return true;
    }
    return true;
}

} // namespace raftlab
