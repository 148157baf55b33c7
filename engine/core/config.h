#pragma once

#include "membership.h"
#include "types.h"

#include <cstddef>
#include <vector>

namespace raftlab {

// Everything a core is configured with. Times are in ticks: the owner decides how long a tick is
// (raftlab-node: 10 ms by default), the simulator uses virtual ticks.
struct CoreConfig
{
    NodeId id;
    // The bootstrap configuration: the voters of a cluster whose log holds no configuration entry yet,
    // with their addresses (opaque to the core). Empty for a node that waits to be added: it never
    // campaigns and learns its configuration from the leader. A configuration in the log or the snapshot
    // wins over it (thesis §4.1).
    std::vector<NodeId> members;
    std::vector<MemberAddress> addresses;

    int heartbeatTicks = 5;
    int electionTimeoutTicksMin = 15; // the randomised timeout is drawn from [min, max)
    int electionTimeoutTicksMax = 30;

    bool preVote = true; // thesis §9.6: a node that cannot win does not disturb the cluster's term
    bool checkQuorum = true; // thesis §6.2: a leader cut off from a majority steps down; voters that hear
                             // a live leader ignore vote requests

    int maxInflightAppends = 64; // AppendEntries in flight per follower while replicating
    std::size_t maxEntriesPerAppend = 256; // batch by count ...
    std::size_t maxBytesPerAppend = 1024 * 1024; // ... and by payload bytes (one entry always fits)
    std::size_t snapshotChunkBytes = 512 * 1024; // InstallSnapshot chunk size
    // Entries compact() keeps below the snapshot point (etcd's SnapshotCatchUpEntries): a follower a
    // little behind catches up by appends instead of a whole snapshot, and one that has just installed
    // a snapshot finds the entries after it even though the leader compacted again meanwhile. 0 drops
    // every entry the snapshot covers.
    std::uint64_t catchUpEntries = 0;
    // A learner is caught up, and the leader promotes it to voter, once its log is within this many
    // entries of the leader's last one (thesis §4.2.1: a new server must not slow commitment down).
    std::uint64_t learnerCatchUpEntries = 64;

    // When a leader tells followers that its commit index advanced, if no append with entries carries it
    // (§5.3 only asks that future AppendEntries, heartbeats included, carry it). AtOnce: an AppendEntries
    // without entries leaves for each of them right away, as etcd's raft does; the simulator keeps it so
    // that followers commit within one exchange of the leader's. NextTick: it waits for the next tick, and
    // a follower sent an append with entries meanwhile learns the index from that one: under load one
    // follows within microseconds, so the commit-only append is two messages and two wake-ups per commit
    // for nothing. Only what followers apply is delayed, by one tick at most; the leader commits, applies,
    // answers and serves reads as before. raftlab-node's `--commit-notice` (docs/cli.md).
    enum class CommitNotice { AtOnce, NextTick };
    CommitNotice commitNotice = CommitNotice::AtOnce;

    // A human reason why this config cannot run, or empty if it can.
    const char *problem() const;
};

} // namespace raftlab
