// RaftCore: log replication, commitment and snapshot transfer (Raft §5.3, §5.4, §7).
#include "raftcore.h"

#include "crc32c.h"
#include "invariants.h"

#include <cstdio>

namespace raftlab {

// ---------------------------------------------------------------------------------------------
// Role dispatch for messages of the current term (step() has already compared terms).

void RaftCore::stepLeader(const Message &message)
{
    const auto found = m_progress.find(message.from);
    if (found == m_progress.end())
        return;
    found->second.setRecentlyActive(true);
    switch (message.type) {
    case MessageType::AppendEntriesResponse:
        handleAppendResponse(message);
        break;
    case MessageType::HeartbeatResponse:
        handleHeartbeatResponse(message);
        break;
    case MessageType::InstallSnapshotResponse:
        handleSnapshotResponse(message);
        break;
    case MessageType::AppendEntries:
    case MessageType::Heartbeat:
    case MessageType::InstallSnapshot: {
        // Election Safety (§5.2): two leaders in one term is a bug, never an operating condition.
        char detail[64];
        std::snprintf(detail, sizeof detail, "node %u leads term %llu too", message.from.value,
                      static_cast<unsigned long long>(m_term.value));
        reportBrokenInvariant(m_config.id, "Election Safety: at most one leader per term", detail);
    }
    default:
        break; // late vote answers, TimeoutNow for an earlier term's leader: nothing to do
    }
}

void RaftCore::stepCandidate(const Message &message)
{
    switch (message.type) {
    case MessageType::AppendEntries:
    case MessageType::Heartbeat:
    case MessageType::InstallSnapshot:
        // A leader of this term exists: the candidate returns to follower (§5.2).
        becomeFollower(m_term, message.from, Reason::LeaderDiscovered);
        stepFollower(message);
        break;
    case MessageType::PreVoteResponse:
    case MessageType::RequestVoteResponse:
        handleVoteResponse(message);
        break;
    default:
        break;
    }
}

void RaftCore::stepFollower(const Message &message)
{
    const bool fromLeader = message.type == MessageType::AppendEntries ||
        message.type == MessageType::Heartbeat || message.type == MessageType::InstallSnapshot;
    if (fromLeader) {
        const bool discovered = m_leader != message.from;
        m_leader = message.from;
        if (discovered)
            setRole(Role::Follower, Reason::LeaderDiscovered);
        // A timeout cut short by peerConnectionLost() stays short: this may be a frame the leader sent
        // just before it stopped, read after the close. peerConnectionRestored() lengthens it again.
        m_electionElapsedTicks = 0;
        emit(Event{.type = EventType::TimerReset, .ticks = m_randomizedElectionTimeoutTicks});
    }
    switch (message.type) {
    case MessageType::AppendEntries:
        handleAppendEntries(message);
        break;
    case MessageType::Heartbeat:
        handleHeartbeat(message);
        break;
    case MessageType::InstallSnapshot:
        handleInstallSnapshot(message);
        break;
    case MessageType::TimeoutNow:
        // The leader hands over (thesis §3.10): campaign at once, without a pre-vote, and tell voters
        // that still hear the old leader that this election is sanctioned.
        emit(Event{.type = EventType::ElectionTimeout, .reason = Reason::LeadershipTransfer});
        campaign(Campaign::Transfer, Reason::LeadershipTransfer);
        break;
    default:
        break;
    }
}

// ---------------------------------------------------------------------------------------------
// Follower side.

void RaftCore::handleAppendEntries(const Message &message)
{
    const LogIndex commit = m_log.commitIndex();
    LogIndex prev = message.prevLogIndex;
    Term prevTerm = message.prevLogTerm;
    Entries trimmed; // only when the message starts below our commit index; else no copy is made
    if (prev < commit) {
        // Everything up to our commit index is in every later leader's log (Leader Completeness), so
        // check from there and skip what is already committed.
        for (const Entry &entry : message.entries) {
            if (entry.index > commit)
                trimmed.push_back(entry);
        }
        prev = commit;
        prevTerm = *m_log.termAt(commit);
    }
    const Entries &entries = message.prevLogIndex < commit ? trimmed : message.entries;

    if (!m_log.matches(prev, prevTerm)) {
        // §5.3 consistency check failed. Hint where to retry, so the leader skips a whole term at once.
        Message reject{.type = MessageType::AppendEntriesResponse,
                       .to = message.from,
                       .success = false,
                       .rejectedIndex = message.prevLogIndex};
        Reason reason = Reason::MissingEntries;
        if (prev > m_log.lastIndex()) {
            reject.conflictIndex = m_log.lastIndex().next();
        } else {
            reason = Reason::TermMismatch;
            reject.conflictTerm = *m_log.termAt(prev);
            reject.conflictIndex = std::max(m_log.firstIndexOfTermAt(prev), commit.next());
        }
        send(reject);
        emit(Event{.type = EventType::AppendRejected,
                   .reason = reason,
                   .peer = message.from,
                   .index = message.prevLogIndex,
                   .otherTerm = reject.conflictTerm});
        return;
    }

    // Truncate only from the first conflicting entry: a late or duplicated message whose entries all
    // match must never remove entries that arrived after it (§5.3, Figure 2 rule 3).
    if (const std::optional<LogIndex> conflict = m_log.findConflict(entries)) {
        // A configuration takes effect when its entry is appended, and the one before it is back in force
        // when a conflicting leader's entries replace it (thesis §4.1).
        bool configChanged = false;
        Reason configReason = Reason::None;
        if (*conflict <= m_log.lastIndex()) {
            m_log.truncateFrom(*conflict);
            emit(Event{.type = EventType::LogTruncated, .peer = message.from, .index = *conflict});
            if (*conflict <= m_membership.index) {
                configChanged = true;
                configReason = Reason::ConfigurationReverted;
            }
        }
        for (const Entry &entry : entries) {
            if (entry.index >= *conflict) {
                m_log.append(entry);
                configChanged |= entry.type == EntryType::Config;
            }
        }
        if (configChanged)
            refreshMembership(configReason);
    }
    const LogIndex lastNew = prev + entries.size();
    send(Message{.type = MessageType::AppendEntriesResponse,
                 .to = message.from,
                 .success = true,
                 .matchIndex = lastNew});
    emit(Event{.type = EventType::AppendAccepted, .peer = message.from, .index = lastNew});
    setCommitIndex(std::min(message.commitIndex, lastNew));
}

void RaftCore::handleHeartbeat(const Message &message)
{
    // The leader sends min(our match, its commit), so this index is in our log and matches the leader's.
    setCommitIndex(std::min(message.commitIndex, m_log.lastIndex()));
    send(Message{.type = MessageType::HeartbeatResponse, .to = message.from, .readRound = message.readRound});
}

void RaftCore::handleInstallSnapshot(const Message &message)
{
    if (m_receivedSnapshot)
        return; // the owner is checking a complete one; the leader sends again if it must
    Message answer{.type = MessageType::InstallSnapshotResponse,
                   .to = message.from,
                   .snapshot = message.snapshot,
                   .snapshotChunkOffset = message.snapshotOffset};
    if (message.snapshot.index <= m_log.commitIndex()) {
        // We already have all of it (a duplicate, or we caught up meanwhile).
        m_incomingSnapshot.reset();
        answer.success = true;
        answer.matchIndex = m_log.commitIndex();
        send(answer);
        return;
    }
    // A snapshot is known by where it ends, its size and its checksum: a first chunk starts over only for
    // another snapshot, so a late duplicate of chunk 0 does not throw away what arrived since.
    const auto isIncoming = [this, &message] {
        return m_incomingSnapshot && m_incomingSnapshot->meta == message.snapshot &&
            m_incomingSnapshot->totalBytes == message.snapshotTotalBytes &&
            m_incomingSnapshot->checksum == message.snapshotChecksum;
    };
    if (message.snapshotOffset == 0 && !isIncoming())
        m_incomingSnapshot = IncomingSnapshot{.meta = message.snapshot,
                                              .totalBytes = message.snapshotTotalBytes,
                                              .checksum = message.snapshotChecksum,
                                              .data = {},
                                              .dataChecksum = 0,
                                              .membership = message.snapshotMembership};
    if (!isIncoming() ||
        static_cast<std::uint64_t>(m_incomingSnapshot->data.size()) != message.snapshotOffset) {
        // A lost or reordered chunk: tell the leader where we are.
        answer.snapshotOffset =
            isIncoming() ? static_cast<std::uint64_t>(m_incomingSnapshot->data.size()) : 0;
        send(answer);
        return;
    }
    IncomingSnapshot &incoming = *m_incomingSnapshot;
    const auto chunkBytes = static_cast<std::uint64_t>(message.snapshotChunk.size());
    if (message.snapshotOffset + chunkBytes > incoming.totalBytes) {
        refuseIncomingSnapshot(message.from, Reason::SizeMismatch);
        return;
    }
    incoming.data.append(message.snapshotChunk);
    incoming.dataChecksum = crc32c(message.snapshotChunk.constData(), chunkBytes, incoming.dataChecksum);
    answer.snapshotOffset = static_cast<std::uint64_t>(incoming.data.size());
    if (!message.snapshotDone) {
        send(answer);
        return;
    }
    if (answer.snapshotOffset != incoming.totalBytes) {
        refuseIncomingSnapshot(message.from, Reason::SizeMismatch);
        return;
    }
    if (incoming.dataChecksum != incoming.checksum) {
        refuseIncomingSnapshot(message.from, Reason::ChecksumMismatch);
        return;
    }
    // Intact, but only the owner's state machine can tell whether it restores from these bytes: nothing
    // is installed, persisted or acknowledged before it says so (installSnapshot()).
    m_receivedSnapshot = ReceivedSnapshot{
        Snapshot{incoming.meta, std::move(incoming.data), std::move(incoming.membership)}, message.from};
    m_incomingSnapshot.reset();
    m_ready.receivedSnapshot = m_receivedSnapshot;
}

void RaftCore::refuseIncomingSnapshot(NodeId leader, Reason reason)
{
    // Silently: no answer, so the leader resends its chunk when it times out, hears that we have
    // nothing, and starts over.
    emit(Event{.type = EventType::SnapshotRefused,
               .reason = reason,
               .peer = leader,
               .index = m_incomingSnapshot->meta.index});
    m_incomingSnapshot.reset();
}

// ---------------------------------------------------------------------------------------------
// Leader side.

void RaftCore::appendAsLeader(EntryType type, const QByteArray &payload)
{
    m_log.append(Entry{m_log.lastIndex().next(), m_term, type, payload});
    if (type == EntryType::Config)
        refreshMembership(); // in force from now on, committed or not (thesis §4.1)
}

bool RaftCore::sendAppend(NodeId to, bool sendIfEmpty)
{
    Progress &progress = m_progress.at(to);
    if (progress.isPaused(m_config.maxInflightAppends))
        return false;
    const LogIndex prev = progress.next().previous();
    const std::optional<Term> prevTerm = m_log.termAt(prev);
    if (!prevTerm) {
        // The entries this follower needs were compacted away: it gets the snapshot instead (§7).
        startSnapshotTransfer(to);
        return true;
    }
    Entries entries;
    if (progress.next() <= m_log.lastIndex())
        entries = m_log.slice(progress.next(), m_log.lastIndex().next(), m_config.maxEntriesPerAppend,
                              m_config.maxBytesPerAppend);
    if (entries.empty() && !sendIfEmpty)
        return false;
    const LogIndex last = prev + entries.size();
    const bool carriesEntries = !entries.empty();
    send(Message{.type = MessageType::AppendEntries,
                 .to = to,
                 .prevLogIndex = prev,
                 .prevLogTerm = *prevTerm,
                 .entries = std::move(entries),
                 .commitIndex = m_log.commitIndex()});
    progress.sentAppend(last, carriesEntries);
    progress.setSentCommit(std::min(m_log.commitIndex(), last));
    return true;
}

void RaftCore::broadcastAppend()
{
    for (auto &[id, progress] : m_progress)
        sendAppend(id, true);
}

void RaftCore::announceCommit()
{
    if (m_config.commitNotice == CoreConfig::CommitNotice::AtOnce) {
        broadcastAppend();
        return;
    }
    for (auto &[id, progress] : m_progress)
        sendAppend(id, false);
    m_commitNoticeDue = true;
}

void RaftCore::noticeCommitTo(NodeId to)
{
    if (m_config.commitNotice == CoreConfig::CommitNotice::AtOnce)
        sendAppend(to, true);
    else
        m_commitNoticeDue = true;
}

void RaftCore::sendDueCommitNotices()
{
    if (!m_commitNoticeDue)
        return;
    m_commitNoticeDue = false;
    for (auto &[id, progress] : m_progress) {
        // What broadcastAppend() would have told it: an empty append ends at its next index's predecessor.
        if (progress.state() != ProgressState::Snapshot &&
            progress.sentCommit() < std::min(m_log.commitIndex(), progress.next().previous()))
            sendAppend(id, true);
    }
}

void RaftCore::broadcastHeartbeat(std::uint64_t readRound)
{
    for (auto &[id, progress] : m_progress) {
        const LogIndex commit = std::min(progress.match(), m_log.commitIndex());
        send(
            Message{.type = MessageType::Heartbeat, .to = id, .commitIndex = commit, .readRound = readRound});
        progress.setSentCommit(commit);
        progress.expireSnapshotChunk();
    }
    emit(Event{.type = EventType::HeartbeatSent, .readRound = readRound});
}

void RaftCore::handleAppendResponse(const Message &message)
{
    Progress &progress = m_progress.at(message.from);
    if (progress.state() == ProgressState::Snapshot)
        return; // answers to appends sent before the snapshot began
    if (!message.success) {
        // Use the follower's hint (§5.3, "the leader can decrement nextIndex to bypass all of the
        // conflicting entries in that term"): after our last entry of its conflicting term, if we have one.
        LogIndex retry = message.conflictIndex;
        if (message.conflictTerm != Term{}) {
            if (const auto lastOfTerm = m_log.lastIndexOfTerm(message.conflictTerm))
                retry = lastOfTerm->next();
        }
        if (progress.rejectedAt(message.rejectedIndex, std::max(retry, LogIndex(1))))
            sendAppend(message.from, true);
        return;
    }
    const bool advanced = progress.acknowledge(message.matchIndex);
    if (progress.state() == ProgressState::Probe)
        progress.becomeReplicate();
    if (advanced && m_membership.isLearner(message.from)) {
        maybePromoteLearner();
        if (m_role != Role::Leader || !m_progress.contains(message.from))
            return;
    }
    if (advanced && maybeCommit()) {
        announceCommit();
    } else {
        while (sendAppend(message.from, false)) { }
        // Nothing new to send, but a commit index it has not heard yet: an empty append carries it.
        if (progress.sentCommit() < std::min(m_log.commitIndex(), progress.match()))
            noticeCommitTo(message.from);
    }
    if (message.from == m_transferTarget)
        maybeSendTimeoutNow(message.from);
    releaseRemovedPeers(false);
}

void RaftCore::handleHeartbeatResponse(const Message &message)
{
    Progress &progress = m_progress.at(message.from);
    auto &acked = m_ackedReadRound[message.from];
    acked = std::max(acked, message.readRound);
    switch (progress.state()) {
    case ProgressState::Probe:
        progress.resumeProbe();
        break;
    case ProgressState::Replicate:
        // A full window that the follower, alive enough to answer, never acknowledged: those appends
        // were lost. Without this the leader would wait for their answers forever (etcd frees an
        // inflight slot on a heartbeat response for the same reason). Probe again from the match.
        if (progress.isPaused(m_config.maxInflightAppends) && progress.match() < m_log.lastIndex())
            progress.becomeProbe();
        break;
    case ProgressState::Snapshot:
        // A chunk may have been lost: send the current one again (the follower ignores a duplicate).
        sendSnapshotChunk(
            message.from); // only if the chunk in flight expired (Progress::expireSnapshotChunk)
        break;
    }
    // A follower that is behind gets an append; in Replicate, an empty one at our last index finds a gap
    // left by a lost message (rejected, so the leader probes back).
    if (progress.state() != ProgressState::Snapshot && progress.match() < m_log.lastIndex())
        sendAppend(message.from, true);
    confirmReads();
    releaseRemovedPeers(false);
}

void RaftCore::startSnapshotTransfer(NodeId to)
{
    const Snapshot &newest = m_log.snapshot();
    if (!m_newestSnapshotChecksum || m_newestSnapshotChecksum->first != newest.meta)
        m_newestSnapshotChecksum = std::pair(
            newest.meta, crc32c(newest.data.constData(), static_cast<std::size_t>(newest.data.size())));
    m_snapshotTransfers.insert_or_assign(to, SnapshotTransfer{newest, m_newestSnapshotChecksum->second});
    m_progress.at(to).becomeSnapshot(newest.meta.index);
    emit(Event{.type = EventType::SnapshotSent, .peer = to, .index = newest.meta.index});
    sendSnapshotChunk(to);
}

void RaftCore::sendSnapshotChunk(NodeId to)
{
    Progress &progress = m_progress.at(to);
    if (progress.snapshotChunkInFlight())
        return;
    const SnapshotTransfer &transfer = m_snapshotTransfers.at(to);
    const auto offset = progress.snapshotOffset();
    const auto total = static_cast<std::uint64_t>(transfer.snapshot.data.size());
    const QByteArray chunk = transfer.snapshot.data.mid(static_cast<qsizetype>(offset),
                                                        static_cast<qsizetype>(m_config.snapshotChunkBytes));
    send(Message{.type = MessageType::InstallSnapshot,
                 .to = to,
                 .snapshot = transfer.snapshot.meta,
                 .snapshotOffset = offset,
                 .snapshotTotalBytes = total,
                 .snapshotChecksum = transfer.checksum,
                 .snapshotChunk = chunk,
                 .snapshotDone = offset + static_cast<std::uint64_t>(chunk.size()) >= total,
                 .snapshotMembership = transfer.snapshot.membership});
    progress.setSnapshotChunkInFlight(true);
}

void RaftCore::handleSnapshotResponse(const Message &message)
{
    Progress &progress = m_progress.at(message.from);
    if (progress.state() != ProgressState::Snapshot || message.snapshot.index != progress.pendingSnapshot())
        return;
    if (message.success) {
        m_snapshotTransfers.erase(message.from);
        progress.acknowledge(message.matchIndex);
        progress.becomeProbe();
        sendAppend(message.from, true);
        return;
    }
    // Only the answer to the chunk we are at counts; one to a duplicate or an older chunk would start a
    // second stream of chunks.
    if (message.snapshotChunkOffset != progress.snapshotOffset())
        return;
    const SnapshotTransfer &transfer = m_snapshotTransfers.at(message.from);
    const auto total = static_cast<std::uint64_t>(transfer.snapshot.data.size());
    const std::uint64_t offset = message.snapshotOffset <= total ? message.snapshotOffset : 0;
    if (offset == 0 && transfer.snapshot.meta != m_log.snapshot().meta) {
        // The follower holds nothing of this snapshot (it lost or refused it): starting over, it might
        // as well get the newest.
        startSnapshotTransfer(message.from);
        return;
    }
    progress.setSnapshotOffset(offset);
    progress.setSnapshotChunkInFlight(false);
    sendSnapshotChunk(message.from);
}

bool RaftCore::maybeCommit()
{
    m_matchScratch.clear();
    if (isVoter(m_config.id))
        m_matchScratch.push_back(m_log.durableIndex());
    for (const auto &[id, progress] : m_progress) {
        if (isVoter(id))
            m_matchScratch.push_back(progress.match());
    }
    const LogIndex candidate = quorumMatchIndex(m_matchScratch);
    // Only voters count: a learner's log, or a removed leader's own, makes no majority (thesis §4.2).
    // Figure 8 (§5.4.2): only an entry of the leader's own term is committed by counting replicas;
    // earlier entries commit with it.
    if (candidate <= m_log.commitIndex() || m_log.termAt(candidate) != m_term)
        return false;
    setCommitIndex(candidate);
    return true;
}

void RaftCore::setCommitIndex(LogIndex index)
{
    if (index <= m_log.commitIndex())
        return;
    m_log.commitTo(index);
    emit(Event{.type = EventType::CommitAdvanced, .index = index});
    if (m_role == Role::Leader) {
        confirmReads();
        maybeStepDownAfterRemoval();
        maybePromoteLearner();
    }
}

} // namespace raftlab
