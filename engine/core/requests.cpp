// RaftCore: what the owner asks of the core — proposals, linearizable reads (ReadIndex, thesis §6.4),
// leadership transfer (thesis §3.10) and log compaction (§7).
#include "raftcore.h"

#include "invariantguard.h"

#include <algorithm>

namespace raftlab {

ProposeResult RaftCore::propose(const QByteArray &command)
{
    const InvariantGuard guard(*this);
    if (m_role != Role::Leader || m_halted)
        return ProposeResult{.status = ProposeResult::Status::NotLeader, .leader = m_leader};
    if (!m_transferTarget.isNone())
        return ProposeResult{.status = ProposeResult::Status::TransferInProgress, .leader = m_leader};
    appendAsLeader(EntryType::Command, command);
    // Sent with the next Ready, so that every proposal made meanwhile travels in one append per follower.
    m_appendsPending = true;
    return ProposeResult{.status = ProposeResult::Status::Accepted,
                         .index = m_log.lastIndex(),
                         .term = m_term,
                         .leader = m_config.id};
}

ReadIndexResult RaftCore::readIndex(std::uint64_t requestId)
{
    const InvariantGuard guard(*this);
    if (m_halted)
        return ReadIndexResult{ReadIndexResult::Status::NotLeader, NodeId{}};
    if (m_role != Role::Leader) {
        emit(Event{.type = EventType::ReadRejected, .reason = Reason::NotLeader, .peer = m_leader});
        return ReadIndexResult{ReadIndexResult::Status::NotLeader, m_leader};
    }
    m_readsWaiting.push_back(requestId);
    confirmReads();
    return ReadIndexResult{ReadIndexResult::Status::Accepted, m_config.id};
}

void RaftCore::confirmReads()
{
    // §8: until an entry of its own term is committed, a new leader does not know the commit index.
    if ((m_readsInRound.empty() && m_readsWaiting.empty()) || m_log.termAt(m_log.commitIndex()) != m_term)
        return;
    if (!m_readsInRound.empty()) {
        if (!readRoundAcknowledged(m_readRound))
            return; // the reads waiting share the next round, once this one is through
        releaseReadRound();
    }
    if (m_readsWaiting.empty())
        return;
    ++m_readRound;
    const LogIndex index = m_log.commitIndex();
    m_readsInRound.reserve(m_readsWaiting.size());
    for (std::uint64_t requestId : m_readsWaiting)
        m_readsInRound.push_back(PendingRead{requestId, index});
    m_readsWaiting.clear();
    broadcastHeartbeat(m_readRound);
    if (readRoundAcknowledged(m_readRound))
        releaseReadRound(); // this node alone is a majority
}

bool RaftCore::readRoundAcknowledged(std::uint64_t round) const
{
    // A read is safe once a majority acknowledged a heartbeat round that began after it arrived: then no
    // other leader could have committed anything this one does not have.
    int acks = isVoter(m_config.id) ? 1 : 0;
    for (const auto &[id, acked] : m_ackedReadRound)
        acks += acked >= round && isVoter(id) ? 1 : 0;
    return acks >= quorum();
}

void RaftCore::releaseReadRound()
{
    for (const PendingRead &read : m_readsInRound)
        m_ready.reads.push_back(ReadState{read.requestId, read.index});
    m_readsInRound.clear();
}

void RaftCore::failPendingReads(Reason reason)
{
    const auto fail = [this, reason](std::uint64_t requestId) {
        m_ready.failedReads.push_back(requestId);
        emit(Event{.type = EventType::ReadRejected, .reason = reason});
    };
    for (const PendingRead &read : m_readsInRound)
        fail(read.requestId);
    for (std::uint64_t requestId : m_readsWaiting)
        fail(requestId);
    m_readsInRound.clear();
    m_readsWaiting.clear();
}

TransferResult RaftCore::transferLeadership(NodeId target)
{
    const InvariantGuard guard(*this);
    if (m_role != Role::Leader || m_halted)
        return TransferResult{TransferResult::Status::NotLeader, m_leader};
    if (target == m_config.id)
        return TransferResult{TransferResult::Status::AlreadyLeader, m_config.id};
    if (!isVoter(target)) {
        emit(Event{
            .type = EventType::TransferAborted, .reason = Reason::TransferTargetUnknown, .peer = target});
        return TransferResult{TransferResult::Status::UnknownTarget, m_config.id};
    }
    if (m_transferTarget == target)
        return TransferResult{TransferResult::Status::Started, m_config.id};
    abortTransfer(Reason::Requested);
    m_transferTarget = target;
    m_transferElapsedTicks = 0;
    emit(Event{.type = EventType::TransferStarted, .peer = target});
    maybeSendTimeoutNow(target);
    return TransferResult{TransferResult::Status::Started, m_config.id};
}

void RaftCore::maybeSendTimeoutNow(NodeId to)
{
    // The target must hold the whole log first, or it could not win (or would win without it).
    if (m_progress.at(to).match() == m_log.lastIndex())
        send(Message{.type = MessageType::TimeoutNow, .to = to});
    else
        sendAppend(to, true);
}

void RaftCore::abortTransfer(Reason reason)
{
    if (m_transferTarget.isNone())
        return;
    emit(Event{.type = EventType::TransferAborted, .reason = reason, .peer = m_transferTarget});
    m_transferTarget = NodeId{};
}

DroppedEntries RaftCore::compact(LogIndex index, const QByteArray &stateMachineData)
{
    const InvariantGuard guard(*this);
    RAFTLAB_EXPECT(m_config.id, index <= m_log.appliedIndex(), "compact() beyond the applied index");
    if (m_halted || index <= m_log.snapshot().meta.index)
        return {};
    DroppedEntries dropped =
        m_log.compact(index, stateMachineData, m_config.catchUpEntries, snapshotMembershipAt(index));
    emit(Event{.type = EventType::LogCompacted, .index = index});
    return dropped;
}

bool RaftCore::installSnapshot(const SnapshotMeta &meta)
{
    const InvariantGuard guard(*this);
    if (!m_receivedSnapshot || m_receivedSnapshot->snapshot.meta != meta)
        return false;
    ReceivedSnapshot received = std::move(*m_receivedSnapshot);
    m_receivedSnapshot.reset();
    // Appends from a newer leader may have brought us past it while the owner decoded it; and only a
    // follower takes a leader's state wholesale.
    if (m_role != Role::Follower || meta.index <= m_log.commitIndex())
        return false;
    m_log.restore(received.snapshot);
    m_ready.snapshot = std::move(received.snapshot);
    refreshMembership();
    emit(Event{.type = EventType::SnapshotInstalled, .peer = received.leader, .index = meta.index});
    emit(Event{.type = EventType::CommitAdvanced, .index = meta.index});
    // Leaves with the Ready that persists the snapshot, once that is durable.
    send(Message{.type = MessageType::InstallSnapshotResponse,
                 .to = received.leader,
                 .success = true,
                 .matchIndex = meta.index,
                 .snapshot = meta});
    return true;
}

void RaftCore::refuseSnapshot(const SnapshotMeta &meta)
{
    const InvariantGuard guard(*this);
    if (!m_receivedSnapshot || m_receivedSnapshot->snapshot.meta != meta)
        return;
    emit(Event{.type = EventType::SnapshotRefused,
               .reason = Reason::StateMachineRefused,
               .peer = m_receivedSnapshot->leader,
               .index = meta.index});
    m_receivedSnapshot.reset();
}

} // namespace raftlab
