// RaftCore: cluster configuration changes, one server at a time (thesis §4.1–§4.2.3). A configuration
// is an entry in the log and in force on a node as soon as it is in its log; the leader starts a change
// only once the previous one is committed and it has committed an entry of its own term (the 2015 fix:
// otherwise two leaders of different configurations can commit in the same term). New nodes join as
// learners and are promoted once caught up; a leader that removed itself steps down once that is committed.
#include "raftcore.h"

#include "invariantguard.h"

#include <algorithm>

namespace raftlab {

Membership RaftCore::bootstrapMembership() const
{
    Membership membership;
    membership.voters = m_config.members;
    membership.addresses = m_config.addresses;
    membership.normalize();
    return membership;
}

Membership RaftCore::membershipAt(LogIndex index) const
{
    const LogIndex last = std::min(index, m_log.lastIndex());
    for (LogIndex at = last; at >= m_log.firstIndex() && at > LogIndex{}; at = at.previous()) {
        const Entry &entry = m_log.at(at);
        if (entry.type != EntryType::Config)
            continue;
        if (std::optional<Membership> membership = Membership::decode(entry.payload)) {
            membership->index = at;
            return *membership;
        }
    }
    if (m_log.snapshot().membership)
        return *m_log.snapshot().membership;
    return bootstrapMembership();
}

std::optional<Membership> RaftCore::snapshotMembershipAt(LogIndex index) const
{
    Membership membership = membershipAt(index);
    if (membership.index == LogIndex{} && !m_log.snapshot().membership)
        return std::nullopt;
    return membership;
}

void RaftCore::refreshMembership(Reason reason)
{
    setMembership(membershipAt(m_log.lastIndex()), reason);
}

void RaftCore::setMembership(Membership next, Reason reason)
{
    if (next == m_membership)
        return;
    const Membership previous = std::exchange(m_membership, std::move(next));
    m_wasMember = m_wasMember || m_membership.contains(m_config.id);
    const LogIndex index = m_membership.index;
    for (NodeId id : m_membership.voters) {
        if (previous.isLearner(id))
            emit(Event{.type = EventType::LearnerPromoted, .reason = reason, .peer = id, .index = index});
        else if (!previous.isVoter(id))
            emit(Event{.type = EventType::MemberAdded,
                       .reason = reason,
                       .peer = id,
                       .index = index,
                       .granted = true});
    }
    for (NodeId id : m_membership.learners) {
        if (!previous.contains(id))
            emit(Event{.type = EventType::MemberAdded, .reason = reason, .peer = id, .index = index});
    }
    for (const std::vector<NodeId> *list : {&previous.voters, &previous.learners}) {
        for (NodeId id : *list) {
            if (!m_membership.contains(id))
                emit(Event{.type = EventType::MemberRemoved, .reason = reason, .peer = id, .index = index});
        }
    }
    if (m_role == Role::Leader)
        syncProgressWithMembership();
}

void RaftCore::syncProgressWithMembership()
{
    // The leader replicates to every voter and learner but itself. A member being removed counts in no
    // quorum from the moment its removal is appended (thesis §4.2.2), but it keeps receiving the log until
    // the removal is committed, so that it can learn of it (releaseRemovedPeers()); then nobody sends it
    // anything.
    for (const std::vector<NodeId> *list : {&m_membership.voters, &m_membership.learners}) {
        for (NodeId id : *list) {
            if (id != m_config.id && !m_progress.contains(id))
                m_progress.emplace(id, Progress(m_log.lastIndex().next()));
        }
    }
    for (auto it = m_progress.begin(); it != m_progress.end();) {
        if (m_membership.contains(it->first) || membershipChangePending()) {
            ++it;
            continue;
        }
        m_snapshotTransfers.erase(it->first);
        m_ackedReadRound.erase(it->first);
        if (it->first == m_transferTarget)
            abortTransfer(Reason::TransferTargetUnknown);
        it = m_progress.erase(it);
    }
}

MembershipChangeResult RaftCore::proposeMembershipChange(const MembershipChange &change)
{
    const InvariantGuard guard(*this);
    using Status = MembershipChangeResult::Status;
    const auto answer = [this](Status status) {
        return MembershipChangeResult{.status = status, .leader = m_leader};
    };
    if (m_role != Role::Leader || m_halted)
        return answer(Status::NotLeader);
    // What can never work first, against the configuration in force; then what must wait.
    const bool adding = change.kind == MembershipChange::Kind::Add;
    if (change.id.isNone())
        return answer(Status::InvalidId);
    if (adding && m_membership.contains(change.id))
        return answer(Status::AlreadyMember);
    if (!adding && !m_membership.contains(change.id))
        return answer(Status::UnknownMember);
    if (!adding && m_membership.voters.size() == 1 && m_membership.isVoter(change.id))
        return answer(Status::LastVoter);
    if (membershipChangePending())
        return answer(Status::ChangeInProgress);
    // The 2015 fix (thesis §4.1, "a leader may not append a new configuration entry until it has committed
    // an entry from its own term"): the no-op every new leader appends is that entry.
    if (m_log.termAt(m_log.commitIndex()) != m_term)
        return answer(Status::LeaderNotReady);
    if (!m_transferTarget.isNone())
        return answer(Status::TransferInProgress);

    Membership next = m_membership;
    if (adding) {
        next.learners.push_back(change.id);
        if (!change.raftAddress.isEmpty() || !change.httpAddress.isEmpty())
            next.addresses.push_back(MemberAddress{change.id, change.raftAddress, change.httpAddress});
    } else {
        std::erase(next.voters, change.id);
        std::erase(next.learners, change.id);
    }
    next.index = LogIndex{};
    next.normalize();
    appendAsLeader(EntryType::Config, next.encode());
    m_appendsPending = true;
    return MembershipChangeResult{
        .status = Status::Accepted, .index = m_log.lastIndex(), .term = m_term, .leader = m_config.id};
}

void RaftCore::maybePromoteLearner()
{
    if (m_role != Role::Leader || m_membership.learners.empty() || membershipChangePending() ||
        m_log.termAt(m_log.commitIndex()) != m_term || !m_transferTarget.isNone())
        return;
    for (NodeId learner : m_membership.learners) {
        const auto found = m_progress.find(learner);
        if (found == m_progress.end() || found->second.match() == LogIndex{})
            continue;
        // Caught up: within learnerCatchUpEntries of our last entry, so adding it as a voter cannot stall
        // commitment for long (thesis §4.2.1).
        if (distance(found->second.match(), m_log.lastIndex()) > m_config.learnerCatchUpEntries)
            continue;
        Membership next = m_membership;
        std::erase(next.learners, learner);
        next.voters.push_back(learner);
        next.index = LogIndex{};
        next.normalize();
        appendAsLeader(EntryType::Config, next.encode());
        m_appendsPending = true;
        return;
    }
}

void RaftCore::releaseRemovedPeers(bool heartbeatRound)
{
    if (m_role != Role::Leader || membershipChangePending())
        return;
    for (auto it = m_progress.begin(); it != m_progress.end();) {
        const NodeId id = it->first;
        // Told a commit index that covers its removal: it knows. Otherwise it gets until the heartbeat
        // round after next (its acknowledgement may be on its way), then nothing more.
        const bool told = it->second.sentCommit() >= m_membership.index;
        const bool waitedARound = heartbeatRound && m_removedPeersWaiting.contains(id);
        if (m_membership.contains(id) || !(told || waitedARound)) {
            if (!m_membership.contains(id) && heartbeatRound)
                m_removedPeersWaiting.insert(id);
            ++it;
            continue;
        }
        m_removedPeersWaiting.erase(id);
        m_snapshotTransfers.erase(id);
        m_ackedReadRound.erase(id);
        it = m_progress.erase(it);
        if (id == m_transferTarget)
            abortTransfer(Reason::TransferTargetUnknown);
    }
}

bool RaftCore::removedFromCluster() const
{
    return m_wasMember && !m_membership.contains(m_config.id) && m_log.commitIndex() >= m_membership.index;
}

void RaftCore::maybeStepDownAfterRemoval()
{
    // A leader that removed itself manages the cluster until its removal is committed, then steps down
    // (thesis §4.2.2); it tells the followers the commit index first, so they apply the change at once.
    if (m_role != Role::Leader || isVoter(m_config.id) || m_log.commitIndex() < m_membership.index)
        return;
    broadcastAppend();
    becomeFollower(m_term, NodeId{}, Reason::RemovedFromCluster);
}

} // namespace raftlab
