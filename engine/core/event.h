#pragma once

#include "types.h"

#include <QString>

#include <string_view>
#include <vector>

namespace raftlab {

enum class Role : std::uint8_t { Follower, PreCandidate, Candidate, Leader };

std::string_view toString(Role role);

// What the core decided, one value per decision, in the order taken. The GUI narrates them; the node
// logs and streams them. Plain values: the same stream can drive an in-GUI step-by-step simulator.
enum class EventType : std::uint8_t {
    RoleChanged, // `role`, `reason`; `peer` = the leader when known
    TermChanged, // `term` is the new term, `otherTerm` the old one
    TimerReset, // election timer restarted: fires in `ticks` ticks unless reset again
    ElectionTimeout, // the election timer fired (or was fired by request: `reason`)
    VoteRequested, // this node asks every other member for a vote (`preVote`: a pre-vote)
    VoteGranted, // this node gave its vote to `peer` (`preVote`: a pre-vote)
    VoteRefused, // this node refused `peer` because of `reason` (`otherPeer`: whom it voted for)
    VoteReceived, // a candidate heard `peer`'s answer: `granted`
    AppendAccepted, // a follower accepted `peer`'s entries up to `index`
    AppendRejected, // a follower rejected `peer`'s entries after `index` because of `reason`
    LogTruncated, // entries from `index` on were removed (they conflicted with the leader's)
    CommitAdvanced, // the commit index is now `index`
    HeartbeatSent, // the leader sent a heartbeat round (`readRound` when it confirms reads)
    TransferStarted, // the leader hands leadership to `peer`
    TransferFinished, // `peer` took over (or this node, when it won a transfer election)
    TransferAborted, // the transfer to `peer` did not finish: `reason`
    SnapshotSent, // the leader began sending its snapshot to `peer` (it is behind the compaction point)
    SnapshotInstalled, // this node replaced its state with the snapshot up to `index` from `peer`
    SnapshotRefused, // this node refused the snapshot up to `index` from `peer` because of `reason`
    LogCompacted, // entries up to `index` were replaced by a snapshot of the state machine
    ReadRejected, // a read could not be served here: `reason`
    // Configuration changes (thesis §4), in force on this node from the entry at `index` on. Every node
    // reports its own, when the entry reaches its log (or leaves it: `reason` = ConfigurationReverted).
    MemberAdded, // `peer` joined: as a learner (`granted` false) or as a voter (`granted` true)
    LearnerPromoted, // the learner `peer` caught up and became a voter
    MemberRemoved, // `peer` left the configuration
    // A follower's connection to its leader `peer` closed (its process is gone): the election timer now
    // fires in `ticks` ticks, the minimum election timeout after the leader was last heard (plus a little).
    LeaderConnectionLost,
};

enum class Reason : std::uint8_t {
    None,
    Restarted, // the node started from its persisted state
    ElectionTimeout, // no word from a leader within the election timeout
    Requested, // someone asked (admin route, test)
    WonElection, // a majority granted its vote
    WonPreVote, // a majority would vote for it: now the real election
    LostPreVote, // a majority refused the pre-vote
    LostElection, // a majority refused the vote
    HigherTerm, // a message carried a newer term
    LeaderDiscovered, // a leader of the current term made contact
    QuorumLost, // CheckQuorum: no contact with a majority for an election timeout
    LeadershipTransfer, // TimeoutNow from the leader
    AlreadyVoted, // one vote per term: it went to `otherPeer`
    LogNotUpToDate, // the candidate's log is behind (§5.4.1)
    LeaderAlive, // a leader was heard within the minimum election timeout (CheckQuorum lease)
    StaleTerm, // the message's term is older than this node's
    MissingEntries, // the follower's log ends before the leader's prevLogIndex
    TermMismatch, // the entry at prevLogIndex has another term
    NotLeader, // only the leader can do this
    TransferTimedOut, // the target did not take over within an election timeout
    TransferTargetUnknown,
    LeaderStepsDown, // the leader lost leadership during the operation
    SizeMismatch, // a snapshot's chunks do not add up to the size its leader declared
    ChecksumMismatch, // a snapshot's bytes do not have the CRC-32C its leader declared
    StateMachineRefused, // the state machine cannot restore a snapshot from its bytes
    StorageFailed, // the node's disk refused a write: it left the protocol (RaftCore::halt())
    RemovedFromCluster, // a leader's own removal is committed: it steps down (thesis §4.2.2)
    ConfigurationReverted, // the configuration entry was truncated: the one before it is back in force
};

std::string_view toString(EventType type);
std::string_view toString(Reason reason);

struct Event
{
    EventType type = EventType::RoleChanged;
    NodeId node{}; // the node that decided
    Term term{}; // its term after the decision
    Role role = Role::Follower;
    Reason reason = Reason::None;
    NodeId peer{};
    NodeId otherPeer{};
    LogIndex index{};
    Term otherTerm{};
    int ticks = 0;
    bool preVote = false;
    bool granted = false;
    std::uint64_t readRound = 0;
    // VoteRefused: no answer goes back (a lease ignores the request; its candidate hears nothing).
    bool unanswered = false;
};

using Events = std::vector<Event>;

// One plain sentence, e.g. "Node 2 refused node 3's vote in term 5: it already voted for node 1."
QString describe(const Event &event);

} // namespace raftlab
