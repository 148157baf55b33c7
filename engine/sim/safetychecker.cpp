#include "safetychecker.h"

#include <QStringList>

#include <algorithm>

namespace raftlab::sim {

namespace {

QString entryName(LogIndex index, Term term)
{
    return QStringLiteral("(%1, term %2)").arg(index.value).arg(term.value);
}

QString ids(const std::vector<NodeId> &members)
{
    QStringList names;
    for (NodeId id : members)
        names << QString::number(id.value);
    return QLatin1Char('{') + names.join(QLatin1Char(',')) + QLatin1Char('}');
}

} // namespace

QString describeConfiguration(const Membership &membership)
{
    return QStringLiteral("voters %1 learners %2 (index %3)")
        .arg(ids(membership.voters), ids(membership.learners))
        .arg(membership.index.value);
}

SafetyChecker::SafetyChecker(int nodeCount)
    : m_nodes(static_cast<std::size_t>(nodeCount))
{ }

SafetyChecker::NodeTrack &SafetyChecker::track(NodeId node)
{
    if (m_nodes.size() < node.value)
        m_nodes.resize(node.value);
    return m_nodes[node.value - 1];
}

void SafetyChecker::fail(const QString &what)
{
    if (!m_violation)
        m_violation = what;
}

std::optional<Term> SafetyChecker::leaderTermOf(NodeId node) const
{
    std::optional<Term> latest;
    for (const auto &[term, leader] : m_leaderOfTerm) {
        if (leader == node)
            latest = term;
    }
    return latest;
}

std::optional<QByteArray> SafetyChecker::appliedPayload(LogIndex index) const
{
    if (index.value >= m_applied.size() || !m_applied[index.value].known)
        return std::nullopt;
    return m_applied[index.value].payload;
}

// ---------------------------------------------------------------------------------------------
// Events.

void SafetyChecker::onHardStatePersisted(NodeId node, const HardState &previous, const HardState &now)
{
    if (now.term < previous.term)
        fail(QStringLiteral("node %1 persisted term %2 after term %3: the term went back")
                 .arg(node.value)
                 .arg(now.term.value)
                 .arg(previous.term.value));
    if (now.term == previous.term && !previous.votedFor.isNone() && now.votedFor != previous.votedFor)
        fail(QStringLiteral("node %1 changed its persisted vote in term %2 from %3 to %4")
                 .arg(node.value)
                 .arg(now.term.value)
                 .arg(previous.votedFor.value)
                 .arg(now.votedFor.value));
    if (!now.votedFor.isNone())
        recordVote(node, now.term, now.votedFor, "persisted");
    track(node).persistedTerm = now.term;
}

void SafetyChecker::recordVote(NodeId voter, Term term, NodeId candidate, const char *how)
{
    const auto [found, inserted] = m_votes.emplace(std::pair{voter, term}, candidate);
    if (!inserted && found->second != candidate)
        fail(QStringLiteral("one vote per term: node %1 voted for %2 and for %3 in term %4 (%5)")
                 .arg(voter.value)
                 .arg(found->second.value)
                 .arg(candidate.value)
                 .arg(term.value)
                 .arg(QLatin1String(how)));
}

void SafetyChecker::onMessageSent(const Message &message, const SimDisk &senderDisk)
{
    const HardState &durable = senderDisk.hardState;
    const bool asksAboutFutureTerm = message.type == MessageType::PreVote ||
        (message.type == MessageType::PreVoteResponse && message.granted);
    if (!asksAboutFutureTerm && message.term > durable.term)
        fail(QStringLiteral("node %1 sent %2 in term %3 before persisting that term (disk: %4)")
                 .arg(message.from.value)
                 .arg(QLatin1String(toString(message.type).data()))
                 .arg(message.term.value)
                 .arg(durable.term.value));
    if (message.type == MessageType::RequestVoteResponse && message.granted) {
        recordVote(message.from, message.term, message.to, "sent");
        const bool durableVote =
            durable.term > message.term || (durable.term == message.term && durable.votedFor == message.to);
        if (!durableVote)
            fail(QStringLiteral("node %1 granted its vote to %2 in term %3 before persisting it")
                     .arg(message.from.value)
                     .arg(message.to.value)
                     .arg(message.term.value));
    }
    const bool acknowledgesEntries = message.type == MessageType::AppendEntriesResponse ||
        message.type == MessageType::InstallSnapshotResponse;
    if (acknowledgesEntries && message.success && durable.term == message.term &&
        senderDisk.lastIndex() < message.matchIndex)
        fail(QStringLiteral("node %1 acknowledged entries up to %2 with only %3 on disk")
                 .arg(message.from.value)
                 .arg(message.matchIndex.value)
                 .arg(senderDisk.lastIndex().value));
}

void SafetyChecker::onEntryApplied(NodeId node, const Entry &entry, std::uint64_t digestAfter)
{
    NodeTrack &nodeTrack = track(node);
    if (entry.index != nodeTrack.applied.next())
        fail(QStringLiteral("node %1 applied index %2 right after %3: a gap")
                 .arg(node.value)
                 .arg(entry.index.value)
                 .arg(nodeTrack.applied.value));
    nodeTrack.applied = entry.index;
    if (m_applied.size() <= entry.index.value)
        m_applied.resize(entry.index.value + 1);
    Applied &applied = m_applied[entry.index.value];
    if (!applied.known) {
        applied = Applied{true, entry.payload, digestAfter};
        return;
    }
    if (applied.payload != entry.payload || applied.digest != digestAfter)
        fail(QStringLiteral("State Machine Safety: node %1 applied \"%2\" at index %3, another node \"%4\"")
                 .arg(node.value)
                 .arg(QString::fromUtf8(entry.payload))
                 .arg(entry.index.value)
                 .arg(QString::fromUtf8(applied.payload)));
}

void SafetyChecker::onSnapshotRestored(NodeId node, const Snapshot &snapshot)
{
    const auto header = KvStateMachine::peek(snapshot.data);
    const LogIndex index = snapshot.meta.index;
    track(node).applied = index;
    if (!header || header->first != index) {
        fail(QStringLiteral("node %1 restored a snapshot whose data does not end at %2")
                 .arg(node.value)
                 .arg(index.value));
        return;
    }
    if (index.value >= m_applied.size() || !m_applied[index.value].known) {
        fail(QStringLiteral("node %1 restored a snapshot at %2 that no node applied")
                 .arg(node.value)
                 .arg(index.value));
        return;
    }
    if (m_applied[index.value].digest != header->second)
        fail(QStringLiteral(
                 "State Machine Safety: node %1 restored a snapshot at %2 unlike the applied history")
                 .arg(node.value)
                 .arg(index.value));
    if (index.value < m_committed.size() && m_committed[index.value].known &&
        m_committed[index.value].term != snapshot.meta.term)
        fail(QStringLiteral("node %1 restored a snapshot ending at %2 whose committed term is %3")
                 .arg(node.value)
                 .arg(entryName(index, snapshot.meta.term))
                 .arg(m_committed[index.value].term.value));
}

void SafetyChecker::onRestart(const SimNode &node)
{
    NodeTrack &nodeTrack = track(node.id());
    const RaftCore &core = node.core();
    // What was only in memory is gone: the term may fall back to the persisted one, the commit index
    // to the snapshot's, and the whole log is looked at again.
    if (core.term() < nodeTrack.persistedTerm)
        fail(QStringLiteral("node %1 restarted at term %2 below its persisted term %3")
                 .arg(node.id().value)
                 .arg(core.term().value)
                 .arg(nodeTrack.persistedTerm.value));
    nodeTrack.term = core.term();
    nodeTrack.commit = core.log().commitIndex();
    nodeTrack.applied = node.stateMachine().appliedIndex();
    nodeTrack.verifiedLast = LogIndex{};
    nodeTrack.leaderTerm = Term{};
}

void SafetyChecker::onReadServed(NodeId node, LogIndex readIndex, LogIndex acknowledgedIndex,
                                 LogIndex keyWrittenAt, const KvStateMachine::Value &value)
{
    if (readIndex < acknowledgedIndex)
        fail(QStringLiteral("stale read on node %1: read index %2 is below the write acknowledged at %3 "
                            "before the read was issued")
                 .arg(node.value)
                 .arg(readIndex.value)
                 .arg(acknowledgedIndex.value));
    else if (value.writtenAt < keyWrittenAt)
        fail(QStringLiteral("stale read on node %1: it saw the write at %2, but the write at %3 was "
                            "acknowledged before the read was issued")
                 .arg(node.value)
                 .arg(value.writtenAt.value)
                 .arg(keyWrittenAt.value));
}

// ---------------------------------------------------------------------------------------------
// State after a step.

void SafetyChecker::checkNode(const SimNode &node)
{
    if (!node.isUp() || m_violation)
        return;
    const RaftCore &core = node.core();
    NodeTrack &nodeTrack = track(node.id());
    if (core.term() < nodeTrack.term)
        fail(QStringLiteral("node %1's term went from %2 back to %3")
                 .arg(node.id().value)
                 .arg(nodeTrack.term.value)
                 .arg(core.term().value));
    nodeTrack.term = core.term();
    if (const char *problem = core.log().check())
        fail(QStringLiteral("node %1's log is broken: %2").arg(node.id().value).arg(QLatin1String(problem)));
    checkElection(core, nodeTrack);
    checkLogMatching(core, nodeTrack);
    checkCommit(core, nodeTrack);
    checkLeaderCompleteness(core, nodeTrack);
}

void SafetyChecker::checkElection(const RaftCore &core, NodeTrack &nodeTrack)
{
    if (core.role() != Role::Leader) {
        nodeTrack.leaderTerm = Term{};
        return;
    }
    const auto [found, inserted] = m_leaderOfTerm.emplace(core.term(), core.id());
    if (inserted) {
        m_configurationOfTerm[core.term()] = core.membership();
        // It was just elected, by a majority of the voters it counted: it must have been one of them
        // (learners, nodes not yet added and nodes removed never campaign).
        if (!core.membership().isVoter(core.id()))
            fail(QStringLiteral("node %1 leads term %2 but is no voter of its configuration %3")
                     .arg(core.id().value)
                     .arg(core.term().value)
                     .arg(describeConfiguration(core.membership())));
    }
    if (!inserted && found->second != core.id())
        fail(QStringLiteral("Election Safety: nodes %1 and %2 both leaders in term %3 (%4 and %5)")
                 .arg(found->second.value)
                 .arg(core.id().value)
                 .arg(core.term().value)
                 .arg(describeConfiguration(m_configurationOfTerm[core.term()]),
                      describeConfiguration(core.membership())));
    if (nodeTrack.leaderTerm != core.term()) {
        nodeTrack.leaderTerm = core.term();
        nodeTrack.completeUpTo = LogIndex{};
    }
}

void SafetyChecker::checkLogMatching(const RaftCore &core, NodeTrack &nodeTrack)
{
    const RaftLog &log = core.log();
    const LogIndex first = log.firstIndex();
    const LogIndex last = log.lastIndex();
    // The log only changes at its end (appends, truncations) or its start (compaction, snapshots):
    // walk back from the end to the last entry already verified with the same term.
    LogIndex verified = std::min(nodeTrack.verifiedLast, last);
    while (verified >= first && nodeTrack.verifiedTerms[verified.value] != log.termAt(verified))
        verified = verified.previous();
    if (nodeTrack.verifiedTerms.size() <= last.value)
        nodeTrack.verifiedTerms.resize(last.value + 1 + 64);
    for (LogIndex index = std::max(verified.next(), first); index <= last; index = index.next()) {
        const Entry &entry = log.at(index);
        if (entry.index != index) {
            fail(QStringLiteral("node %1 holds entry %2 at index %3")
                     .arg(core.id().value)
                     .arg(entry.index.value)
                     .arg(index.value));
            return;
        }
        checkEntry(core.id(), entry, *log.termAt(index.previous()));
        nodeTrack.verifiedTerms[index.value] = entry.term;
    }
    nodeTrack.verifiedLast = last;
}

void SafetyChecker::checkEntry(NodeId node, const Entry &entry, Term previousTerm)
{
    const auto [found, inserted] = m_entries.emplace(std::pair{entry.index.value, entry.term.value},
                                                     EntryRecord{entry.payload, entry.type, previousTerm});
    if (inserted)
        return;
    const EntryRecord &known = found->second;
    if (known.payload != entry.payload || known.type != entry.type)
        fail(QStringLiteral("Log Matching: entry %1 on node %2 holds \"%3\", elsewhere \"%4\"")
                 .arg(entryName(entry.index, entry.term))
                 .arg(node.value)
                 .arg(QString::fromUtf8(entry.payload))
                 .arg(QString::fromUtf8(known.payload)));
    else if (known.previousTerm != previousTerm)
        fail(QStringLiteral(
                 "Log Matching: entry %1 on node %2 follows an entry of term %3, elsewhere of term %4")
                 .arg(entryName(entry.index, entry.term))
                 .arg(node.value)
                 .arg(previousTerm.value)
                 .arg(known.previousTerm.value));
}

void SafetyChecker::checkCommit(const RaftCore &core, NodeTrack &nodeTrack)
{
    const LogIndex commit = core.log().commitIndex();
    if (commit < nodeTrack.commit) {
        fail(QStringLiteral("node %1's commit index went from %2 back to %3")
                 .arg(core.id().value)
                 .arg(nodeTrack.commit.value)
                 .arg(commit.value));
        return;
    }
    for (LogIndex index = nodeTrack.commit.next(); index <= commit; index = index.next()) {
        if (const std::optional<Term> term = core.log().termAt(index))
            recordCommitted(index, *term, core.term());
    }
    nodeTrack.commit = commit;
}

void SafetyChecker::recordCommitted(LogIndex index, Term entryTerm, Term observerTerm)
{
    if (m_committed.size() <= index.value)
        m_committed.resize(index.value + 1);
    Committed &committed = m_committed[index.value];
    if (!committed.known) {
        committed = Committed{true, entryTerm, observerTerm};
        return;
    }
    if (committed.term != entryTerm)
        fail(QStringLiteral("State Machine Safety: index %1 committed with term %2 and with term %3")
                 .arg(index.value)
                 .arg(committed.term.value)
                 .arg(entryTerm.value));
    committed.commitTerm = std::min(committed.commitTerm, observerTerm);
}

void SafetyChecker::checkLeaderCompleteness(const RaftCore &core, NodeTrack &nodeTrack)
{
    if (core.role() != Role::Leader)
        return;
    const RaftLog &log = core.log();
    const LogIndex highest = highestCommitted();
    for (LogIndex index = nodeTrack.completeUpTo.next(); index <= highest; index = index.next()) {
        const Committed &committed = m_committed[index.value];
        if (!committed.known || committed.commitTerm >= core.term() || index < log.snapshot().meta.index)
            continue; // unknown, committed in this term or later, or compacted (hence committed) here
        if (log.termAt(index) != committed.term) {
            fail(QStringLiteral(
                     "Leader Completeness: leader %1 of term %2 lacks entry %3, committed in term %4")
                     .arg(core.id().value)
                     .arg(core.term().value)
                     .arg(entryName(index, committed.term))
                     .arg(committed.commitTerm.value));
            return;
        }
    }
    nodeTrack.completeUpTo = highest;
}

} // namespace raftlab::sim
