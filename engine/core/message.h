#pragma once

#include "entry.h"

#include <optional>
#include <string_view>

namespace raftlab {

enum class MessageType : std::uint8_t {
    PreVote = 1, // "would you vote for me in term T?" — changes nobody's term (thesis §9.6)
    PreVoteResponse,
    RequestVote, // §5.2
    RequestVoteResponse,
    AppendEntries, // §5.3: entries (possibly none, to probe a follower's log)
    AppendEntriesResponse,
    Heartbeat, // leader authority and commit index, no log check; carries ReadIndex rounds (§6.4)
    HeartbeatResponse,
    InstallSnapshot, // §7: one chunk of the leader's snapshot
    InstallSnapshotResponse,
    TimeoutNow, // leadership transfer: "start an election now" (thesis §3.10)
};

std::string_view toString(MessageType type);
bool isResponse(MessageType type);

// One Raft message. A flat value, as in etcd's raftpb.Message: each type uses the fields its comment
// names and leaves the others at their defaults. The transport adds its own id for tracing.
struct Message
{
    MessageType type = MessageType::AppendEntries;
    NodeId from{};
    NodeId to{};
    Term term{}; // sender's currentTerm; for PreVote and a granted PreVoteResponse, the term asked about

    // PreVote, RequestVote: the candidate's last log entry (the up-to-date rule, §5.4.1).
    // AppendEntries, InstallSnapshot, TimeoutNow: unused.
    LogIndex lastLogIndex{};
    Term lastLogTerm{};
    // RequestVote: true when the election was started by a leadership transfer, so voters that still hear
    // from the old leader must not refuse it for that reason.
    bool leadershipTransfer = false;

    // PreVoteResponse, RequestVoteResponse: whether the vote was given.
    bool granted = false;

    // AppendEntries: the entry before `entries`, which the follower must hold (§5.3 consistency check).
    LogIndex prevLogIndex{};
    Term prevLogTerm{};
    Entries entries{};
    // AppendEntries, Heartbeat: the leader's commit index (for a heartbeat, never past the follower's match).
    LogIndex commitIndex{};

    // AppendEntriesResponse: success and the last index now known to match the leader's log; or a
    // rejection of the message whose prevLogIndex was `rejectedIndex`, with a hint where to retry:
    // `conflictTerm` is the follower's term at that index (or 0 when its log is shorter) and
    // `conflictIndex` the first index of that term in its log (or its last index + 1).
    // InstallSnapshotResponse: success and `matchIndex` = the snapshot's last index.
    bool success = false;
    LogIndex matchIndex{};
    LogIndex rejectedIndex{};
    LogIndex conflictIndex{};
    Term conflictTerm{};

    // Heartbeat, HeartbeatResponse: the ReadIndex round this heartbeat confirms leadership for (0: none).
    std::uint64_t readRound = 0;

    // InstallSnapshot: the snapshot's end, and one chunk of its bytes at `snapshotOffset`;
    // `snapshotDone` on the last chunk. Every chunk also declares the whole snapshot's size and its
    // CRC-32C, which the follower checks before it hands the snapshot to its state machine.
    // InstallSnapshotResponse: `snapshotOffset` = bytes received so far.
    SnapshotMeta snapshot{};
    std::uint64_t snapshotOffset = 0;
    std::uint64_t snapshotTotalBytes = 0;
    std::uint32_t snapshotChecksum = 0;
    QByteArray snapshotChunk{};
    bool snapshotDone = false;
    // InstallSnapshot: the configuration in force at the snapshot's end (entry.h, Snapshot::membership).
    std::optional<Membership> snapshotMembership{};
    // InstallSnapshotResponse: the offset of the chunk this answers, so the leader can tell an answer to
    // its current chunk from one to a duplicate.
    std::uint64_t snapshotChunkOffset = 0;

    // Approximate bytes on the wire, for batching limits and metrics.
    std::size_t approximateSize() const;
};

using Messages = std::vector<Message>;

} // namespace raftlab
