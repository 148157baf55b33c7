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
//   1. persist `hardState`, apply `truncateFrom` then append `entries`, persist and install `snapshot`;
//      all durable before step 2 (Raft §5, thesis §3.8: a vote or an append acknowledgement sent before
//      it is durable can be forgotten by a crash, and two leaders or a lost commit follow);
//   2. call RaftCore::advance() (inputs may arrive meanwhile: see RaftCore's usage contract);
//   3. send `messages`;
//   4. apply `committed` in order, then answer `reads` once applied >= their index, and fail `failedReads`;
//   5. check `receivedSnapshot`: decode it with the state machine, without persisting anything, then call
//      RaftCore::installSnapshot() or refuseSnapshot(). Only an installed one comes back as `snapshot`
//      in a later Ready, to persist, and only once that is durable is it acknowledged.
struct Ready
{
    std::optional<HardState> hardState;
    std::optional<LogIndex> truncateFrom; // drop every persisted entry with index >= this, before appending
    Entries entries{}; // to append, contiguous, after any truncation
    // From the leader, checked by the owner (step 5) and installed: persist it, restore the state machine.
    std::optional<Snapshot> snapshot;
    std::optional<ReceivedSnapshot> receivedSnapshot; // from the leader: the owner checks it (step 5)
    Messages messages{};
    Entries committed{};
    std::vector<ReadState> reads{};
    std::vector<std::uint64_t> failedReads; // leadership was lost before the read could be confirmed
    Events events{};

    bool needsPersistence() const { return hardState || truncateFrom || !entries.empty() || snapshot; }
    bool isEmpty() const
    {
        return !needsPersistence() && !receivedSnapshot && messages.empty() && committed.empty() &&
            reads.empty() && failedReads.empty() && events.empty();
    }
};

} // namespace raftlab
