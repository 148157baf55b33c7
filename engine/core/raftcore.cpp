// RaftCore: construction, the single place where terms are compared, role transitions and the Ready.
// Elections live in election.cpp, replication in replication.cpp, requests (proposals, reads, transfers,
// compaction) in requests.cpp.
#include "raftcore.h"

#include "invariantguard.h"

#include <algorithm>
#include <utility>

namespace raftlab {

RaftCore::RaftCore(CoreConfig config, PersistentState restored, std::uint64_t randomSeed)
    : m_config(std::move(config))
    , m_random(randomSeed)
    , m_term(restored.hardState.term)
    , m_votedFor(restored.hardState.votedFor)
    , m_log(std::move(restored.snapshot), std::move(restored.entries), m_config.id)
{
    if (const char *problem = m_config.problem())
        reportBrokenInvariant(m_config.id, problem);
    if (const char *problem = m_log.check())
        reportBrokenInvariant(m_config.id, problem);
    std::sort(m_config.members.begin(), m_config.members.end());
    m_membership = membershipAt(m_log.lastIndex());
    m_wasMember = m_membership.contains(m_config.id);
    // Every node starts as a follower (§5.2), whatever it was before it stopped.
    emit(Event{.type = EventType::RoleChanged, .role = Role::Follower, .reason = Reason::Restarted});
    resetElectionTimer();
}

// ---------------------------------------------------------------------------------------------
// step(): all term comparison happens here, once (etcd raft.go Step); roles handle the rest.

void RaftCore::step(const Message &message)
{
    const InvariantGuard guard(*this);
    if (m_halted)
        return;
    // Not for us: a misrouted message changes nothing. A sender outside this node's configuration is
    // heard (a leader replicating to a node it has just added; a removed node, whose vote requests the
    // lease and pre-votes keep harmless, thesis §4.2.3).
    if (message.to != m_config.id || message.from.isNone() || message.from == m_config.id)
        return;

    const bool isVoteRequest =
        message.type == MessageType::PreVote || message.type == MessageType::RequestVote;
    if (message.term > m_term) {
        if (isVoteRequest && inLeaderLease() && !message.leadershipTransfer) {
            // CheckQuorum: we hear from a live leader, so this candidate is disruptive (thesis §4.2.3).
            // The request is ignored: no answer goes back.
            emit(Event{.type = EventType::VoteRefused,
                       .reason = Reason::LeaderAlive,
                       .peer = message.from,
                       .otherPeer = m_leader,
                       .preVote = message.type == MessageType::PreVote,
                       .unanswered = true});
            return;
        }
        const bool keepsTerm = message.type == MessageType::PreVote ||
            (message.type == MessageType::PreVoteResponse && message.granted);
        // A pre-vote asks about a future term; it changes nobody's term (thesis §9.6).
        if (!keepsTerm) {
            const bool fromLeader = message.type == MessageType::AppendEntries ||
                message.type == MessageType::Heartbeat || message.type == MessageType::InstallSnapshot;
            becomeFollower(message.term, fromLeader ? message.from : NodeId{}, Reason::HigherTerm);
        }
    } else if (message.term < m_term) {
        // A stale leader learns our term from the answer and steps down; a stale pre-candidate learns
        // it from the refusal. Everything else from an old term is ignored (§5.1).
        if (message.type == MessageType::AppendEntries || message.type == MessageType::Heartbeat ||
            message.type == MessageType::InstallSnapshot) {
            send(Message{.type = message.type == MessageType::Heartbeat ? MessageType::HeartbeatResponse
                                                                        : MessageType::AppendEntriesResponse,
                         .to = message.from,
                         .success = false,
                         .rejectedIndex = message.prevLogIndex});
            emit(Event{.type = EventType::AppendRejected,
                       .reason = Reason::StaleTerm,
                       .peer = message.from,
                       .index = message.prevLogIndex,
                       .otherTerm = message.term});
        } else if (isVoteRequest) {
            send(Message{.type = message.type == MessageType::PreVote ? MessageType::PreVoteResponse
                                                                      : MessageType::RequestVoteResponse,
                         .to = message.from,
                         .granted = false});
            emit(Event{.type = EventType::VoteRefused,
                       .reason = Reason::StaleTerm,
                       .peer = message.from,
                       .otherTerm = message.term,
                       .preVote = message.type == MessageType::PreVote});
        }
        return;
    }

    if (isVoteRequest) {
        handleVoteRequest(message);
        return;
    }
    switch (m_role) {
    case Role::Leader:
        stepLeader(message);
        break;
    case Role::PreCandidate:
    case Role::Candidate:
        stepCandidate(message);
        break;
    case Role::Follower:
        stepFollower(message);
        break;
    }
}

// ---------------------------------------------------------------------------------------------
// Role transitions.

void RaftCore::resetForTerm(Term term)
{
    if (term != m_term) {
        if (term < m_term)
            reportBrokenInvariant(m_config.id, "currentTerm must never decrease");
        const Term previous = m_term;
        m_term = term;
        m_votedFor = NodeId{};
        m_hardStateChanged = true;
        emit(Event{.type = EventType::TermChanged, .otherTerm = previous});
    }
    m_leader = NodeId{};
    m_votes.reset();
    m_progress.clear();
    m_snapshotTransfers.clear();
    m_heartbeatElapsedTicks = 0;
    resetElectionTimer();
}

void RaftCore::setRole(Role role, Reason reason)
{
    const Role previous = m_role;
    m_role = role;
    if (previous != role || reason == Reason::LeaderDiscovered)
        emit(Event{.type = EventType::RoleChanged, .role = role, .reason = reason, .peer = m_leader});
}

void RaftCore::becomeFollower(Term term, NodeId leader, Reason reason)
{
    if (m_role == Role::Leader) {
        if (!m_transferTarget.isNone() && reason == Reason::HigherTerm) {
            // The target campaigned with our TimeoutNow: the handover happened.
            emit(Event{.type = EventType::TransferFinished, .peer = m_transferTarget});
            m_transferTarget = NodeId{};
        }
        abortTransfer(Reason::LeaderStepsDown);
        failPendingReads(Reason::LeaderStepsDown);
    }
    resetForTerm(term);
    m_leader = leader;
    setRole(Role::Follower, reason);
}

void RaftCore::becomePreCandidate(Reason reason)
{
    if (m_role == Role::Leader)
        reportBrokenInvariant(m_config.id, "a leader does not become a pre-candidate");
    // A pre-vote changes neither term nor vote: nothing to persist (thesis §9.6).
    m_leader = NodeId{};
    m_votes.reset();
    resetElectionTimer();
    setRole(Role::PreCandidate, reason);
}

void RaftCore::becomeCandidate(Reason reason)
{
    if (m_role == Role::Leader)
        reportBrokenInvariant(m_config.id, "a leader does not become a candidate");
    resetForTerm(m_term.next());
    m_votedFor = m_config.id; // §5.2: a candidate votes for itself; persisted before any RequestVote leaves
    m_hardStateChanged = true;
    setRole(Role::Candidate, reason);
}

void RaftCore::becomeLeader()
{
    if (m_role != Role::Candidate)
        reportBrokenInvariant(m_config.id, "only a candidate becomes leader");
    m_leader = m_config.id;
    m_progress.clear();
    m_removedPeersWaiting.clear();
    syncProgressWithMembership();
    m_ackedReadRound.clear();
    m_readsInRound.clear();
    m_readsWaiting.clear();
    m_transferTarget = NodeId{};
    m_heartbeatElapsedTicks = 0;
    m_electionElapsedTicks = 0;
    m_commitNoticeDue = false;
    setRole(Role::Leader, Reason::WonElection);
    // A new leader does not know which earlier entries are committed; an entry of its own term, once
    // committed, commits them all (§5.4.2) and lets it serve reads (§8).
    appendAsLeader(EntryType::NoOp, QByteArray());
    broadcastAppend();
}

void RaftCore::resetElectionTimer()
{
    m_electionElapsedTicks = 0;
    m_electionTimeoutShortened = false;
    m_randomizedElectionTimeoutTicks = static_cast<int>(
        m_random.between(m_config.electionTimeoutTicksMin, m_config.electionTimeoutTicksMax));
    if (m_role != Role::Leader)
        emit(Event{.type = EventType::TimerReset, .ticks = m_randomizedElectionTimeoutTicks});
}

// ---------------------------------------------------------------------------------------------
// Outputs.

void RaftCore::send(Message message)
{
    message.from = m_config.id;
    if (message.term == Term{})
        message.term = m_term;
    // The rule, and why, is on Ready (ready.h).
    const bool peerWaits = !m_peersWaiting.empty() &&
        std::find(m_peersWaiting.begin(), m_peersWaiting.end(), message.to) != m_peersWaiting.end();
    const bool waits = m_hardStateChanged || m_hardStateInFlight || m_snapshotInFlight ||
        m_ready.snapshot.has_value() || peerWaits || mustWaitForPersistence(message);
    if (!waits) {
        m_ready.messages.push_back(std::move(message));
        return;
    }
    if (!peerWaits)
        m_peersWaiting.push_back(message.to);
    if (mergesIntoLastAcknowledgement(message))
        return;
    m_ready.messagesAfterPersist.push_back(std::move(message));
}

bool RaftCore::mergesIntoLastAcknowledgement(const Message &message)
{
    // Appends that arrive while a follower's disk is busy are persisted by one write, and acknowledged
    // by one message rather than one each: whatever the leader does with an acknowledgement (match,
    // in-flight window, commit) only moves forward with the highest index, and within one term the
    // leader's log only grows, so the highest claim covers the lower ones. Only neighbours merge, so
    // each peer still sees every other answer in the order it was produced.
    if (message.type != MessageType::AppendEntriesResponse || !message.success ||
        m_ready.messagesAfterPersist.empty())
        return false;
    Message &last = m_ready.messagesAfterPersist.back();
    if (last.type != MessageType::AppendEntriesResponse || !last.success || last.to != message.to ||
        last.term != message.term)
        return false;
    last.matchIndex = std::max(last.matchIndex, message.matchIndex);
    return true;
}

void RaftCore::emit(Event event)
{
    event.node = m_config.id;
    event.term = m_term;
    if (event.type != EventType::RoleChanged)
        event.role = m_role;
    m_ready.events.push_back(event);
}

bool RaftCore::hasReady() const
{
    if (m_halted)
        return false;
    return !m_ready.isEmpty() || m_hardStateChanged || m_appendsPending || m_log.hasUnstable() ||
        m_log.hasCommittedToHandOut();
}

Ready RaftCore::takeReady()
{
    const InvariantGuard guard(*this);
    if (m_halted)
        return Ready{};
    RAFTLAB_EXPECT(m_config.id, !m_awaitingAdvance, "takeReady() twice without advance()");
    if (m_appendsPending && m_role == Role::Leader)
        broadcastAppend();
    m_appendsPending = false;
    // Moving leaves every vector of m_ready empty; only the optional (still engaged when moved from)
    // needs a reset. Cheaper than assigning a fresh Ready, on the path of every input.
    Ready ready = std::move(m_ready);
    m_ready.snapshot.reset();
    m_ready.receivedSnapshot.reset();
    if (m_hardStateChanged)
        ready.hardState = HardState{m_term, m_votedFor};
    m_hardStateInFlight = ready.hardState.has_value();
    m_snapshotInFlight = ready.snapshot.has_value();
    m_hardStateChanged = false;
    ready.truncateFrom = m_log.pendingTruncation();
    m_log.clearPendingTruncation();
    ready.entries = m_log.takeUnstable();
    m_handedOutIndex = m_log.stableIndex();
    ready.committed = m_log.takeCommitted(static_cast<std::size_t>(-1));
    m_awaitingAdvance = true;
    return ready;
}

void RaftCore::advance()
{
    const InvariantGuard guard(*this);
    if (m_halted)
        return;
    RAFTLAB_EXPECT(m_config.id, m_awaitingAdvance, "advance() without takeReady()");
    m_awaitingAdvance = false;
    m_log.markDurable(m_handedOutIndex);
    m_hardStateInFlight = false;
    m_snapshotInFlight = false;
    // The last Ready's waiting messages leave now; only those queued since keep their peers waiting.
    m_peersWaiting.clear();
    for (const Message &message : m_ready.messagesAfterPersist) {
        if (std::find(m_peersWaiting.begin(), m_peersWaiting.end(), message.to) == m_peersWaiting.end())
            m_peersWaiting.push_back(message.to);
    }
    // The leader's own log counts towards a majority only once it is durable (thesis §10.2.1).
    if (m_role == Role::Leader && maybeCommit())
        announceCommit();
    if (m_role == Role::Leader)
        confirmReads();
}

Messages RaftCore::takeMessagesToSendNow()
{
    const InvariantGuard guard(*this);
    // Proposals made meanwhile go out now, one batch per follower, while the leader's disk is busy; send()
    // sorts them by Ready's rule like everything else.
    if (m_appendsPending && m_role == Role::Leader) {
        broadcastAppend();
        m_appendsPending = false;
    }
    return std::exchange(m_ready.messages, Messages{});
}

Entries RaftCore::takeNewlyCommitted()
{
    const InvariantGuard guard(*this);
    if (m_halted || m_snapshotInFlight || m_ready.snapshot)
        return {};
    return m_log.takeCommitted(static_cast<std::size_t>(-1));
}

Ready RaftCore::halt()
{
    const InvariantGuard guard(*this);
    if (m_halted)
        return Ready{};
    if (m_role == Role::Leader) {
        abortTransfer(Reason::LeaderStepsDown);
        failPendingReads(Reason::StorageFailed);
    }
    m_leader = NodeId{};
    m_votes.reset();
    m_progress.clear();
    m_incomingSnapshot.reset();
    setRole(Role::Follower, Reason::StorageFailed);
    m_halted = true;
    // What was not made durable cannot be any more: nothing more leaves this node.
    Ready last;
    last.events = std::move(m_ready.events);
    last.failedReads = std::move(m_ready.failedReads);
    m_ready = Ready{};
    m_peersWaiting.clear();
    m_appendsPending = false;
    m_hardStateChanged = false;
    return last;
}

CoreStatus RaftCore::status() const
{
    CoreStatus status{.id = m_config.id,
                      .role = m_role,
                      .term = m_term,
                      .votedFor = m_votedFor,
                      .leader = m_leader,
                      .commitIndex = m_log.commitIndex(),
                      .firstIndex = m_log.firstIndex(),
                      .lastIndex = m_log.lastIndex(),
                      .lastTerm = m_log.lastTerm(),
                      .snapshot = m_log.snapshot().meta,
                      .electionElapsedTicks = m_electionElapsedTicks,
                      .electionTimeoutTicks = m_randomizedElectionTimeoutTicks,
                      .followers = {}};
    for (const auto &[id, progress] : m_progress)
        status.followers.push_back(FollowerStatus{id, progress.match(), progress.next(), progress.state(),
                                                  progress.recentlyActive()});
    return status;
}

int RaftCore::quorum() const
{
    return majorityOf(static_cast<int>(m_membership.voters.size()));
}

} // namespace raftlab
