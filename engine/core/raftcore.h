#pragma once

#include "config.h"
#include "progress.h"
#include "raftlog.h"
#include "random.h"
#include "ready.h"
#include "voteresult.h"

#include <map>
#include <optional>
#include <set>

namespace raftlab {

struct ProposeResult
{
    enum class Status { Accepted, NotLeader, TransferInProgress };
    Status status = Status::NotLeader;
    LogIndex index{}; // Accepted: where the command will commit, if it does
    Term term{};
    NodeId leader{}; // NotLeader: the leader, if known
};

struct ReadIndexResult
{
    enum class Status { Accepted, NotLeader };
    Status status = Status::NotLeader;
    NodeId leader{};
};

struct TransferResult
{
    enum class Status { Started, AlreadyLeader, NotLeader, UnknownTarget };
    Status status = Status::NotLeader;
    NodeId leader{};
};

// A single-server configuration change (thesis §4.1): add one node (as a learner, promoted to voter by
// the leader once it has caught up) or remove one member.
struct MembershipChange
{
    enum class Kind { Add, Remove };
    Kind kind = Kind::Add;
    NodeId id{};
    QString raftAddress{}; // Add: where it listens, carried in the entry (may be empty: known already)
    QString httpAddress{};
};

struct MembershipChangeResult
{
    enum class Status {
        Accepted,
        NotLeader,
        ChangeInProgress, // an earlier change is not committed yet: one at a time (thesis §4.1)
        LeaderNotReady, // the leader has not committed an entry of its own term yet (the 2015 fix)
        TransferInProgress,
        AlreadyMember, // Add of a voter or learner
        UnknownMember, // Remove of a node that is not in the configuration
        LastVoter, // Remove of the only voter: nobody could commit anything again
        InvalidId, // id 0
    };
    Status status = Status::NotLeader;
    LogIndex index{}; // Accepted: the configuration entry
    Term term{};
    NodeId leader{};
};

// What a viewer may know about one follower, from the leader's point of view.
struct FollowerStatus
{
    NodeId id{};
    LogIndex matchIndex{};
    LogIndex nextIndex{};
    ProgressState state = ProgressState::Probe;
    bool recentlyActive = false;
};

struct CoreStatus
{
    NodeId id{};
    Role role = Role::Follower;
    Term term{};
    NodeId votedFor{};
    NodeId leader{};
    LogIndex commitIndex{};
    LogIndex firstIndex{}; // first entry still in the log (after the snapshot)
    LogIndex lastIndex{};
    Term lastTerm{};
    SnapshotMeta snapshot{};
    int electionElapsedTicks = 0;
    int electionTimeoutTicks = 0;
    std::vector<FollowerStatus> followers{}; // leader only
};

// The Raft protocol as a pure state machine (docs/architecture.md). It owns no socket, file, timer,
// thread or clock: it is given ticks, messages and requests, and it hands back a Ready saying what
// to persist, send and apply, and the events that describe each decision.
//
// Usage contract: after any input, if hasReady(), call takeReady(), do what it says in its order (ready.h),
// advance() once it is durable. Inputs may keep coming while the owner persists a Ready (between
// takeReady() and advance()): what they produce waits for the next Ready, except the messages that may
// leave now, which takeMessagesToSendNow() hands out at once.
class RaftCore
{
public:
    RaftCore(CoreConfig config, PersistentState restored, std::uint64_t randomSeed);

    // --- inputs ------------------------------------------------------------------------------
    void tick();
    void step(const Message &message);
    ProposeResult propose(const QByteArray &command);
    ReadIndexResult readIndex(std::uint64_t requestId);
    TransferResult transferLeadership(NodeId target);
    // Leader only: appends the configuration entry for `change`, in force at once (membershipchange.cpp).
    MembershipChangeResult proposeMembershipChange(const MembershipChange &change);
    // New heartbeat and election timeouts (slow motion for a class). They apply from the next timer reset;
    // `problem()` of the resulting config must be empty.
    void setTiming(int heartbeatTicks, int electionTimeoutTicksMin, int electionTimeoutTicksMax);
    // Fire the election timer now (the admin route `/admin/timeout`; classroom split votes).
    void campaignNow();
    // The owner's connection to `peer` closed: the peer's process stopped or restarted (a frozen process
    // or a cut link keeps its connection, so this says nothing about those). A follower whose leader that
    // is stops waiting out the rest of its randomized timeout: it times out once the minimum election
    // timeout has passed since it last heard the leader, plus a random part of at most a quarter of the
    // range (or one heartbeat interval, if more), so that two followers rarely campaign at the same time.
    // The leader's lease is kept: the other followers refuse a pre-vote until that minimum has passed.
    void peerConnectionLost(NodeId peer);
    // The owner's connection to `peer` is open again: if that is this follower's leader, whose loss cut
    // its timeout short, the leader lives after all and the follower draws a whole randomized timeout.
    void peerConnectionRestored(NodeId peer);
    // The owner's state machine took a snapshot that includes every entry up to `index` (which must
    // be applied); the core drops those entries from its log, but the last `catchUpEntries` of them,
    // and sends this snapshot to laggards. Returns the dropped entries: the owner frees them where it
    // likes (a node, off its event loop).
    DroppedEntries compact(LogIndex index, const QByteArray &stateMachineData);
    // The owner's verdict on Ready::receivedSnapshot, `meta` naming it. Installed: its state machine can
    // restore it, so the core takes it (a later Ready persists it, then acknowledges it to the leader);
    // false when there is nothing to install any more (this node caught up or stopped following
    // meanwhile). Refused: the bytes do not decode; nothing changes, nothing is acknowledged, and the
    // leader sends the snapshot again once its chunk times out.
    bool installSnapshot(const SnapshotMeta &meta);
    void refuseSnapshot(const SnapshotMeta &meta);

    // --- outputs -----------------------------------------------------------------------------
    bool hasReady() const;
    Ready takeReady();
    // The last Ready's persistence is durable: this node's own log now counts towards commit.
    void advance();
    // The `messages` of the Ready in the making (those that may leave now, by Ready's rule), handed out
    // early: for an owner that keeps taking input while it persists a Ready, so a leader's heartbeats and
    // appends leave without waiting for its own disk. A leader's proposals made since the last Ready go out
    // with them, one append per follower. What must wait stays for the next Ready.
    Messages takeMessagesToSendNow();
    // The committed entries not yet handed out, handed out now: between Readys, above all while the owner
    // persists one. Committed means on a majority's disks, whether or not this node's own write of them is
    // durable yet (a leader's two followers may acknowledge an entry before its own fdatasync returns), so
    // the owner may apply them (and answer their writes) at once instead of after the write in progress;
    // the next Ready's `committed` starts after them. Empty while a snapshot from the leader is on its way
    // to disk, which the state machine must install first.
    Entries takeNewlyCommitted();
    // The owner can no longer make anything durable (its disk failed): this node leaves the protocol for
    // good. A leader steps down, to follower of the same term with no leader known; pending reads fail;
    // every later input is ignored, so it never campaigns, votes or answers again. Returns the last
    // Ready: its events and failed reads only (nothing in it is to be persisted or sent).
    Ready halt();
    bool isHalted() const { return m_halted; }

    // --- state, for status pages and tests --------------------------------------------------
    NodeId id() const { return m_config.id; }
    Role role() const { return m_role; }
    Term term() const { return m_term; }
    NodeId votedFor() const { return m_votedFor; }
    NodeId leader() const { return m_leader; }
    const RaftLog &log() const { return m_log; }
    const CoreConfig &config() const { return m_config; }
    const std::map<NodeId, Progress> &progress() const { return m_progress; } // leader only
    // The configuration in force: the last one in the log, committed or not (thesis §4.1).
    const Membership &membership() const { return m_membership; }
    // The configuration in force at `index` (<= the last index).
    Membership membershipAt(LogIndex index) const;
    // What a snapshot taken at `index` carries: the configuration there, or none while the cluster file's
    // is in force (so a cluster that never changed its configuration keeps following its file).
    std::optional<Membership> snapshotMembershipAt(LogIndex index) const;
    // A change is appended but not committed yet: no other may start.
    bool membershipChangePending() const { return m_membership.index > m_log.commitIndex(); }
    // This node was a member and knows that a committed configuration no longer includes it: it has
    // nothing left to do in this cluster (a removed leader learns it by committing, a removed follower from
    // the leader's last message to it).
    bool removedFromCluster() const;
    CoreStatus status() const;
    // How many tick() calls from now until one of this node's timers fires (an election timeout, a
    // heartbeat round, CheckQuorum's check, a transfer's deadline); nullopt once halted. Ticks before it
    // decide nothing, so an owner that simulates time may jump straight to it.
    std::optional<int> ticksUntilTimer() const;

private:
    // Term and role transitions. Each become*() checks the transition is legal.
    void becomeFollower(Term term, NodeId leader, Reason reason);
    void becomePreCandidate(Reason reason);
    void becomeCandidate(Reason reason);
    void becomeLeader();
    void resetForTerm(Term term);
    void setRole(Role role, Reason reason);
    void resetElectionTimer();

    // Elections (election.cpp).
    void tickElection();
    void tickLeader();
    enum class Campaign { PreVote, Election, Transfer };
    void campaign(Campaign kind, Reason reason);
    void handleVoteRequest(const Message &message);
    void handleVoteResponse(const Message &message);
    bool inLeaderLease() const;
    int quorum() const;
    bool isVoter(NodeId id) const { return m_membership.isVoter(id); }

    // Configuration changes (membershipchange.cpp).
    Membership bootstrapMembership() const;
    // Recomputes the configuration in force from the log, after entries were appended, truncated or
    // replaced by a snapshot; `reason` ConfigurationReverted when a truncation undid one.
    void refreshMembership(Reason reason = Reason::None);
    void setMembership(Membership next, Reason reason);
    void syncProgressWithMembership();
    void maybePromoteLearner();
    void maybeStepDownAfterRemoval();
    // Once no change is pending, the leader forgets each peer outside its configuration that has been sent
    // a commit index covering its removal (so it knows), or, at a heartbeat round, that has been waiting
    // since the round before.
    void releaseRemovedPeers(bool heartbeatRound);

    // Replication (replication.cpp).
    void stepLeader(const Message &message);
    void stepFollower(const Message &message);
    void stepCandidate(const Message &message);
    void handleAppendEntries(const Message &message);
    void handleAppendResponse(const Message &message);
    void handleHeartbeat(const Message &message);
    void handleHeartbeatResponse(const Message &message);
    void handleInstallSnapshot(const Message &message);
    void refuseIncomingSnapshot(NodeId leader, Reason reason);
    void handleSnapshotResponse(const Message &message);
    void appendAsLeader(EntryType type, const QByteArray &payload);
    bool sendAppend(NodeId to, bool sendIfEmpty);
    void startSnapshotTransfer(NodeId to);
    void sendSnapshotChunk(NodeId to);
    void broadcastAppend();
    // The commit index advanced: appends with entries leave now; followers that get none learn the index
    // now or at the next tick, by CoreConfig::commitNotice.
    void announceCommit();
    void noticeCommitTo(NodeId to);
    void sendDueCommitNotices(); // at a leader's tick
    void broadcastHeartbeat(std::uint64_t readRound);
    bool maybeCommit();
    void setCommitIndex(LogIndex index);

    // Proposals, reads, transfers and compaction (requests.cpp).
    void confirmReads();
    bool readRoundAcknowledged(std::uint64_t round) const;
    void releaseReadRound();
    void failPendingReads(Reason reason);
    void maybeSendTimeoutNow(NodeId to);
    void abortTransfer(Reason reason);

    // Checks Invariants between entry to and exit from every input, in builds with assertions.
    class InvariantGuard;

    // Queues `message` in the Ready in the making: in `messages` or `messagesAfterPersist`, by Ready's rule.
    void send(Message message);
    // A follower's success acknowledgement folded into the one queued just before it (same leader, term).
    bool mergesIntoLastAcknowledgement(const Message &message);
    void emit(Event event);

    CoreConfig m_config;
    Random m_random;
    Membership m_membership; // in force: see membership()
    bool m_wasMember = false; // a configuration in force here has included this node
    std::set<NodeId> m_removedPeersWaiting; // leader: removed peers given one more heartbeat round

    // Persistent state (Figure 2). m_term only grows; m_votedFor is set at most once per term. Both are
    // handed out in the next Ready whenever they change, and nothing is sent before they are durable.
    Term m_term{};
    NodeId m_votedFor{};
    bool m_hardStateChanged = false;

    // The log, with its snapshot base, commit index and what the owner has persisted and applied.
    RaftLog m_log;

    Role m_role = Role::Follower;
    NodeId m_leader{};
    int m_electionElapsedTicks = 0;
    int m_heartbeatElapsedTicks = 0;
    int m_randomizedElectionTimeoutTicks = 0;
    // peerConnectionLost() shortened the timeout: peerConnectionRestored() or the next reset draws a whole
    // one.
    bool m_electionTimeoutShortened = false;

    // Candidate and pre-candidate: the answers so far.
    VoteTally m_votes;

    // Leader: one Progress per other member.
    std::map<NodeId, Progress> m_progress;
    NodeId m_transferTarget{};
    int m_transferElapsedTicks = 0;

    // Leader: ReadIndex requests (thesis §6.4). At most one heartbeat round confirms reads at a time: the
    // reads in it (all reading at the commit index of its start) are released together once a majority
    // acknowledged it; reads that arrive meanwhile wait, and share the next round. Kept apart so that a
    // new read costs the same however many wait.
    struct PendingRead
    {
        std::uint64_t requestId;
        LogIndex index;
    };
    std::vector<PendingRead> m_readsInRound{}; // in round m_readRound
    std::vector<std::uint64_t> m_readsWaiting{}; // for the next round
    std::uint64_t m_readRound = 0;
    std::map<NodeId, std::uint64_t> m_ackedReadRound;

    // Leader: the snapshot each follower in ProgressState::Snapshot is being sent, with the CRC-32C of
    // its data. A transfer goes on with the snapshot it started with even after the leader compacted
    // again (the transfer keeps that older snapshot's data alive): restarting it with every newer
    // snapshot would starve a follower whose transfer takes longer than a snapshot interval. Only a
    // transfer that starts over (the follower has nothing of it) takes the newest one.
    struct SnapshotTransfer
    {
        Snapshot snapshot;
        std::uint32_t checksum = 0;
    };
    std::map<NodeId, SnapshotTransfer> m_snapshotTransfers;
    std::optional<std::pair<SnapshotMeta, std::uint32_t>> m_newestSnapshotChecksum; // computed once

    // Follower: a snapshot being received in chunks, checked against the size and CRC-32C its leader
    // declared as it arrives; then, once complete, with the owner until it is installed or refused
    // (chunks of any snapshot are ignored meanwhile: the leader resends them).
    struct IncomingSnapshot
    {
        SnapshotMeta meta;
        std::uint64_t totalBytes = 0;
        std::uint32_t checksum = 0;
        QByteArray data;
        std::uint32_t dataChecksum = 0; // of `data` so far
        std::optional<Membership> membership;
    };
    std::optional<IncomingSnapshot> m_incomingSnapshot;
    std::optional<ReceivedSnapshot> m_receivedSnapshot;

    std::vector<LogIndex> m_matchScratch; // reused by maybeCommit(): no allocation per acknowledgement
    Ready m_ready; // outputs gathered since the last takeReady()
    bool m_awaitingAdvance = false;
    LogIndex m_handedOutIndex{}; // last entry the Ready being persisted handed out
    bool m_hardStateInFlight = false; // the Ready being persisted carries a new term or vote
    bool m_snapshotInFlight = false; // the Ready being persisted carries a snapshot from the leader
    // Peers with a message in `messagesAfterPersist` not yet handed to the owner for sending: later
    // messages to them wait too, so each peer sees this node's messages in order.
    std::vector<NodeId> m_peersWaiting;
    bool m_halted = false; // halt(): the owner cannot persist; no input is taken any more
    bool m_appendsPending = false; // proposals since the last Ready: sent together, as one batch per follower
    bool m_commitNoticeDue =
        false; // leader, CommitNotice::NextTick: a follower may not know the commit index
};

} // namespace raftlab
