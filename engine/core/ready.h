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

// Everything the core needs its owner to do, in this order (etcd's Ready contract):
//   1. persist `hardState`, apply `truncateFrom` then append `entries`, persist and install `snapshot`;
//      all durable before step 2 (Raft §5, thesis §3.8: a vote or an append acknowledgement sent before
//      it is durable can be forgotten by a crash, and two leaders or a lost commit follow);
//   2. call RaftCore::advance() (inputs may arrive meanwhile: see RaftCore's usage contract);
//   3. send `messages`;
//   4. apply `committed` in order, then answer `reads` once applied >= their index, and fail `failedReads`.
struct Ready
{
    std::optional<HardState> hardState;
    std::optional<LogIndex> truncateFrom; // drop every persisted entry with index >= this, before appending
    Entries entries{}; // to append, contiguous, after any truncation
    std::optional<Snapshot> snapshot; // received from the leader: persist it, restore the state machine
    Messages messages{};
    Entries committed{};
    std::vector<ReadState> reads{};
    std::vector<std::uint64_t> failedReads; // leadership was lost before the read could be confirmed
    Events events{};

    bool needsPersistence() const { return hardState || truncateFrom || !entries.empty() || snapshot; }
    bool isEmpty() const
    {
        return !needsPersistence() && messages.empty() && committed.empty() && reads.empty() &&
            failedReads.empty() && events.empty();
    }
};

} // namespace raftlab
