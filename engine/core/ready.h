#pragma once

#include "entry.h"
#include "event.h"
#include "message.h"

#include <optional>

namespace raftlab {

// A linearizable read that is now safe to serve: once the owner's state machine has applied `index`,
// its state reflects every write acknowledged before the read arrived (ReadIndex, thesis §6.4).
struct ReadState
{
    std::uint64_t requestId = 0;
    LogIndex index{};
};

// A snapshot the leader sent in full: every chunk arrived, in order, and the bytes have the size and
// the CRC-32C the leader declared. Intact, but not yet trusted: only the state machine can tell whether
// it restores from these bytes.
struct ReceivedSnapshot
{
    Snapshot snapshot{};
    NodeId leader{}; // who sent it
};

// Everything the core needs its owner to do, in this order (etcd's Ready contract):
//   1. send `messages`: they may leave at once, before and while step 2 runs;
//   2. persist `hardState`, apply `truncateFrom` then append `entries`, persist and install `snapshot`;
//   3. once all of step 2 is durable, call RaftCore::advance() (inputs may arrive meanwhile: see
//      RaftCore's usage contract);
//   4. send `messagesAfterPersist`;
//   5. apply `committed` in order, then answer `reads` once applied >= their index, and fail `failedReads`
//      (they may apply before step 2 too, unless this Ready carries a snapshot: committed means on a
//      majority's disks, whether or not this node's own copy is durable yet, and they apply in order all
//      the same; and between two Readys, RaftCore::takeNewlyCommitted() hands out those committed
//      meanwhile, to apply at once);
//   6. check `receivedSnapshot`: decode it with the state machine, without persisting anything, then call
//      RaftCore::installSnapshot() or refuseSnapshot(). Only an installed one comes back as `snapshot`
//      in a later Ready, to persist, and its acknowledgement waits in that Ready's messagesAfterPersist.
//
// Persist before send (Raft §5, thesis §3.8) — the one place the rule is written; RaftCore sorts every
// message it produces by it, and owners only follow the two fields. A message waits for persistence
// (`messagesAfterPersist`) when a crash before the disk write could make it a lie:
//   - it promises something durable (mustWaitForPersistence() below): a granted vote, whose record a
//     crash would forget, so the voter could vote again in the same term and two leaders follow; an
//     acknowledgement of entries or of a snapshot, which the leader counts towards commit, so a crash
//     could lose a committed entry;
//   - or it was produced while a new term or vote, or a snapshot from the leader, is not yet durable
//     (pending in this Ready or still being persisted from the last one): such a message speaks for
//     state the node could forget, e.g. a candidate's RequestVote before its own vote is on disk;
//   - or an earlier message to the same peer waits: each peer sees this node's messages in the order
//     they were produced, so a follower's heartbeat answer never overtakes the acknowledgements before it.
// Everything else may leave now (`messages`): above all a leader's appends and heartbeats in a term
// whose term and vote are durable (thesis §10.2.1: its own log counts towards a majority only after
// advance(), so its disk and the followers' run in parallel), and answers that claim nothing durable
// (rejections, heartbeat answers, refusals, pre-votes, which promise nothing).
struct Ready
{
    std::optional<HardState> hardState;
    std::optional<LogIndex> truncateFrom; // drop every persisted entry with index >= this, before appending
    Entries entries{}; // to append, contiguous, after any truncation
    // From the leader, checked by the owner (step 6) and installed: persist it, restore the state machine.
    std::optional<Snapshot> snapshot;
    std::optional<ReceivedSnapshot> receivedSnapshot; // from the leader: the owner checks it (step 6)
    Messages messages{}; // may be sent now, before this Ready is durable
    Messages messagesAfterPersist{}; // only once this Ready is durable (after advance())
    Entries committed{};
    std::vector<ReadState> reads{};
    std::vector<std::uint64_t> failedReads; // leadership was lost before the read could be confirmed
    Events events{};

    bool needsPersistence() const { return hardState || truncateFrom || !entries.empty() || snapshot; }
    bool isEmpty() const
    {
        return !needsPersistence() && !receivedSnapshot && messages.empty() && messagesAfterPersist.empty() &&
            committed.empty() && reads.empty() && failedReads.empty() && events.empty();
    }
};

// Whether `message` by itself promises something that must be durable first: a granted vote, or an
// acknowledgement of entries or of a whole snapshot (the first item of the rule above).
inline bool mustWaitForPersistence(const Message &message)
{
    switch (message.type) {
    case MessageType::RequestVoteResponse:
        return message.granted;
    case MessageType::AppendEntriesResponse:
        return message.success;
    case MessageType::InstallSnapshotResponse:
        return message.success;
    case MessageType::RequestVote:
        return true; // speaks for the candidate's own vote
    default:
        return false;
    }
}

} // namespace raftlab
