#pragma once

#include "types.h"

#include <algorithm>
#include <deque>

namespace raftlab {

// How the leader is currently replicating to one follower (etcd's tracker.Progress):
//  - Probe: the follower's log position is unknown; one AppendEntries at a time until it answers.
//  - Replicate: the position is known; appends are pipelined, up to a bounded window in flight.
//  - Snapshot: the follower is behind the leader's compaction point; a snapshot is being sent.
enum class ProgressState { Probe, Replicate, Snapshot };

class Progress
{
public:
    explicit Progress(LogIndex next = LogIndex(1))
        : m_next(next)
    { }

    LogIndex match() const { return m_match; }
    LogIndex next() const { return m_next; }
    ProgressState state() const { return m_state; }
    bool recentlyActive() const { return m_recentlyActive; }
    void setRecentlyActive(bool active) { m_recentlyActive = active; }

    // Empty (nullptr) when the invariants documented on the members hold for a leader whose log ends at
    // `leaderLastIndex` and who keeps at most `maxInflight` appends in flight; otherwise which broke.
    const char *check(LogIndex leaderLastIndex, int maxInflight) const;

    void becomeProbe();
    void becomeReplicate();
    void becomeSnapshot(LogIndex snapshotIndex);

    // The follower holds everything up to `index`. Returns true when that is news (match grew).
    bool acknowledge(LogIndex index);
    // The follower rejected an append whose prevLogIndex was `rejected`; retry from `hintNext`.
    // Returns false for a stale rejection (one that does not concern the current position).
    bool rejectedAt(LogIndex rejected, LogIndex hintNext);
    // An append ending at `lastIndex` was sent (Replicate: optimistic next; Probe: pause until an answer).
    void sentAppend(LogIndex lastIndex, bool carriedEntries);
    // A heartbeat answer shows the follower is alive: a paused probe may send again.
    void resumeProbe() { m_probeSent = false; }

    bool isPaused(int maxInflight) const;
    // The commit index this follower was last told: a follower whose answer came after the leader's
    // commit broadcast (paused then) still needs to hear the new commit index.
    LogIndex sentCommit() const { return m_sentCommit; }
    void setSentCommit(LogIndex commit) { m_sentCommit = std::max(m_sentCommit, commit); }
    std::size_t inflightCount() const { return m_inflight.size(); }

    // Snapshot state: the snapshot being sent and how far.
    LogIndex pendingSnapshot() const { return m_pendingSnapshot; }
    std::uint64_t snapshotOffset() const { return m_snapshotOffset; }
    void setSnapshotOffset(std::uint64_t offset) { m_snapshotOffset = offset; }
    bool snapshotChunkInFlight() const { return m_snapshotChunkInFlight; }
    void setSnapshotChunkInFlight(bool inFlight)
    {
        m_snapshotChunkInFlight = inFlight;
        m_snapshotChunkSentRecently = inFlight;
    }
    // Called once per heartbeat interval: a chunk in flight for a whole interval without an answer is
    // taken as lost, so the next heartbeat answer may resend it (and only then: never a second stream).
    void expireSnapshotChunk()
    {
        if (m_snapshotChunkInFlight && !m_snapshotChunkSentRecently)
            m_snapshotChunkInFlight = false;
        m_snapshotChunkSentRecently = false;
    }

private:
    LogIndex m_match; // highest index known to be replicated on the follower; only grows; <= leader's last
    LogIndex m_next; // next index to send; invariant: m_match < m_next <= leader's last + 1
    ProgressState m_state = ProgressState::Probe;
    bool m_probeSent = false;
    // Replicate: last index of each append not yet acknowledged, ascending, each in (m_match, m_next), at
    // most maxInflightAppends of them; empty in Probe and Snapshot.
    std::deque<LogIndex> m_inflight;
    LogIndex m_sentCommit;
    bool m_recentlyActive = false; // heard from since the last CheckQuorum round
    LogIndex m_pendingSnapshot; // Snapshot: the snapshot's last index (never 0 in that state)
    std::uint64_t m_snapshotOffset = 0;
    bool m_snapshotChunkInFlight = false;
    bool m_snapshotChunkSentRecently = false; // since the last heartbeat round
};

} // namespace raftlab
