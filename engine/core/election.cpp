// RaftCore: timers, elections, pre-votes and CheckQuorum (Raft §5.2, thesis §4.2.3, §6.2, §9.6).
#include "raftcore.h"

#include "invariantguard.h"

#include <algorithm>

namespace raftlab {

void RaftCore::tick()
{
    const InvariantGuard guard(*this);
    if (m_halted)
        return;
    if (m_role == Role::Leader)
        tickLeader();
    else
        tickElection();
}

void RaftCore::tickElection()
{
    if (!isVoter(m_config.id)) {
        // Never campaigns (campaign()); the count only tells whether a leader was heard lately.
        m_electionElapsedTicks = std::min(m_electionElapsedTicks + 1, m_randomizedElectionTimeoutTicks);
        return;
    }
    ++m_electionElapsedTicks;
    if (m_electionElapsedTicks < m_randomizedElectionTimeoutTicks)
        return;
    emit(Event{.type = EventType::ElectionTimeout,
               .reason = Reason::ElectionTimeout,
               .ticks = m_electionElapsedTicks});
    campaign(m_config.preVote ? Campaign::PreVote : Campaign::Election, Reason::ElectionTimeout);
}

void RaftCore::tickLeader()
{
    sendDueCommitNotices();
    ++m_heartbeatElapsedTicks;
    ++m_electionElapsedTicks;
    if (!m_transferTarget.isNone() && ++m_transferElapsedTicks >= m_config.electionTimeoutTicksMin)
        abortTransfer(Reason::TransferTimedOut);

    if (m_electionElapsedTicks >= m_config.electionTimeoutTicksMin) {
        m_electionElapsedTicks = 0;
        if (m_config.checkQuorum) {
            // CheckQuorum (thesis §6.2): without word from a majority for an election timeout, this node
            // may be a deposed leader that cannot know it; it steps down so clients look elsewhere.
            int active = isVoter(m_config.id) ? 1 : 0; // itself, unless it is removing itself
            for (auto &[id, progress] : m_progress) {
                active += progress.recentlyActive() && isVoter(id) ? 1 : 0;
                progress.setRecentlyActive(false);
            }
            if (active < quorum()) {
                becomeFollower(m_term, NodeId{}, Reason::QuorumLost);
                return;
            }
        }
    }
    if (m_heartbeatElapsedTicks >= m_config.heartbeatTicks) {
        m_heartbeatElapsedTicks = 0;
        broadcastHeartbeat(m_readRound);
        releaseRemovedPeers(true);
    }
}

std::optional<int> RaftCore::ticksUntilTimer() const
{
    if (m_halted)
        return std::nullopt;
    if (m_role != Role::Leader)
        return std::max(1, m_randomizedElectionTimeoutTicks - m_electionElapsedTicks);
    if (m_commitNoticeDue)
        return 1; // the next tick tells followers the commit index
    int ticks = std::max(1, m_config.heartbeatTicks - m_heartbeatElapsedTicks);
    if (m_config.checkQuorum)
        ticks = std::min(ticks, std::max(1, m_config.electionTimeoutTicksMin - m_electionElapsedTicks));
    if (!m_transferTarget.isNone())
        ticks = std::min(ticks, std::max(1, m_config.electionTimeoutTicksMin - m_transferElapsedTicks));
    return ticks;
}

void RaftCore::setTiming(int heartbeatTicks, int electionTimeoutTicksMin, int electionTimeoutTicksMax)
{
    const InvariantGuard guard(*this);
    CoreConfig changed = m_config;
    changed.heartbeatTicks = heartbeatTicks;
    changed.electionTimeoutTicksMin = electionTimeoutTicksMin;
    changed.electionTimeoutTicksMax = electionTimeoutTicksMax;
    if (const char *problem = changed.problem())
        reportBrokenInvariant(m_config.id, "setTiming() with timing the caller should have refused", problem);
    m_config = changed;
    // Keep a running timer within the new bounds, so slowing down or speeding up shows at once.
    if (m_role != Role::Leader)
        resetElectionTimer();
}

void RaftCore::campaignNow()
{
    const InvariantGuard guard(*this);
    if (m_role == Role::Leader || m_halted || !isVoter(m_config.id))
        return;
    emit(Event{
        .type = EventType::ElectionTimeout, .reason = Reason::Requested, .ticks = m_electionElapsedTicks});
    campaign(m_config.preVote ? Campaign::PreVote : Campaign::Election, Reason::Requested);
}

void RaftCore::peerConnectionLost(NodeId peer)
{
    const InvariantGuard guard(*this);
    if (m_halted || m_role != Role::Follower || peer.isNone() || peer != m_leader || !isVoter(m_config.id))
        return;
    const int range = m_config.electionTimeoutTicksMax - m_config.electionTimeoutTicksMin;
    const int spread = std::max(m_config.heartbeatTicks, range / 4);
    const int drawn = static_cast<int>(
        m_random.between(m_config.electionTimeoutTicksMin, m_config.electionTimeoutTicksMin + spread));
    // A timeout drawn no longer than that stays: it was going to fire as soon anyway. Never in the past:
    // at worst the next tick fires it.
    const bool shorter = drawn < m_randomizedElectionTimeoutTicks;
    if (shorter) {
        m_randomizedElectionTimeoutTicks = std::max(drawn, m_electionElapsedTicks + 1);
        m_electionTimeoutShortened = true;
    }
    const int remaining = m_randomizedElectionTimeoutTicks - m_electionElapsedTicks;
    emit(Event{.type = EventType::LeaderConnectionLost, .peer = peer, .ticks = remaining});
    if (shorter)
        emit(Event{.type = EventType::TimerReset, .ticks = remaining});
}

void RaftCore::peerConnectionRestored(NodeId peer)
{
    const InvariantGuard guard(*this);
    if (m_halted || m_role != Role::Follower || !m_electionTimeoutShortened || peer != m_leader)
        return;
    m_electionTimeoutShortened = false;
    // Counted, like any timeout, from when the leader was last heard: that does not change.
    m_randomizedElectionTimeoutTicks =
        std::max(static_cast<int>(
                     m_random.between(m_config.electionTimeoutTicksMin, m_config.electionTimeoutTicksMax)),
                 m_electionElapsedTicks + 1);
    emit(Event{.type = EventType::TimerReset,
               .ticks = m_randomizedElectionTimeoutTicks - m_electionElapsedTicks});
}

void RaftCore::campaign(Campaign kind, Reason reason)
{
    // A node outside its configuration's voters (a learner, a node not yet added or already removed)
    // never campaigns: it could only disturb the cluster (thesis §4.2.3).
    if (!isVoter(m_config.id))
        return;
    const bool preVote = kind == Campaign::PreVote;
    if (preVote)
        becomePreCandidate(reason);
    else
        becomeCandidate(kind == Campaign::Transfer ? Reason::LeadershipTransfer : reason);
    m_votes.record(m_config.id, true);
    if (m_votes.result(m_membership.voters) == VoteResult::Won) {
        // A cluster of one: no one else to ask.
        if (preVote)
            campaign(Campaign::Election, Reason::WonPreVote);
        else
            becomeLeader();
        return;
    }
    emit(Event{.type = EventType::VoteRequested, .preVote = preVote});
    for (NodeId member : m_membership.voters) {
        if (member == m_config.id)
            continue;
        send(Message{.type = preVote ? MessageType::PreVote : MessageType::RequestVote,
                     .to = member,
                     .term = preVote ? m_term.next() : m_term,
                     .lastLogIndex = m_log.lastIndex(),
                     .lastLogTerm = m_log.lastTerm(),
                     .leadershipTransfer = kind == Campaign::Transfer});
    }
}

bool RaftCore::inLeaderLease() const
{
    return m_config.checkQuorum && !m_leader.isNone() &&
        m_electionElapsedTicks < m_config.electionTimeoutTicksMin;
}

void RaftCore::handleVoteRequest(const Message &message)
{
    const bool preVote = message.type == MessageType::PreVote;
    // One vote per term (§5.2): a repeated request from the same candidate gets the same answer. A pre-vote
    // promises nothing, so it needs only a newer term, and no word from a live leader within the minimum
    // election timeout (thesis §9.6) — with or without CheckQuorum.
    const bool heardLeader = !m_leader.isNone() && m_electionElapsedTicks < m_config.electionTimeoutTicksMin;
    const bool canVote = preVote ? message.term > m_term && !heardLeader
                                 : m_votedFor == message.from || (m_votedFor.isNone() && m_leader.isNone());
    const bool upToDate = m_log.isUpToDate(message.lastLogIndex, message.lastLogTerm);
    const MessageType answer = preVote ? MessageType::PreVoteResponse : MessageType::RequestVoteResponse;
    if (canVote && upToDate) {
        if (!preVote) {
            // Durable before the grant leaves (ready.h); a repeated grant has nothing new to persist.
            m_hardStateChanged |= m_votedFor != message.from;
            m_votedFor = message.from;
            resetElectionTimer();
        }
        send(Message{.type = answer, .to = message.from, .term = message.term, .granted = true});
        emit(Event{.type = EventType::VoteGranted, .peer = message.from, .preVote = preVote});
        return;
    }
    send(Message{.type = answer, .to = message.from, .granted = false});
    Reason reason = Reason::LogNotUpToDate;
    NodeId other;
    if (!canVote && preVote) {
        reason = heardLeader ? Reason::LeaderAlive : Reason::StaleTerm;
        other = m_leader;
    } else if (!canVote) {
        reason = m_votedFor.isNone() ? Reason::LeaderAlive : Reason::AlreadyVoted;
        other = m_votedFor.isNone() ? m_leader : m_votedFor;
    }
    emit(Event{.type = EventType::VoteRefused,
               .reason = reason,
               .peer = message.from,
               .otherPeer = other,
               .index = m_log.lastIndex(),
               .otherTerm = m_log.lastTerm(),
               .preVote = preVote});
}

void RaftCore::handleVoteResponse(const Message &message)
{
    const bool preVote = m_role == Role::PreCandidate;
    const MessageType expected = preVote ? MessageType::PreVoteResponse : MessageType::RequestVoteResponse;
    if (message.type != expected)
        return; // an answer to an earlier round
    if (preVote && message.granted && message.term != m_term.next())
        return;
    if (!m_votes.record(message.from, message.granted))
        return; // a duplicate: each voter counts once
    emit(Event{.type = EventType::VoteReceived,
               .peer = message.from,
               .preVote = preVote,
               .granted = message.granted});
    switch (m_votes.result(m_membership.voters)) {
    case VoteResult::Won:
        if (preVote)
            campaign(Campaign::Election, Reason::WonPreVote); // the real election, without another pre-vote
        else
            becomeLeader();
        break;
    case VoteResult::Lost:
        becomeFollower(m_term, NodeId{}, preVote ? Reason::LostPreVote : Reason::LostElection);
        break;
    case VoteResult::Pending:
        break;
    }
}

} // namespace raftlab
