#include "safetymonitor.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace raftlab {

namespace {

// What a user reads, for translators under the context "SafetyMonitor".
QString tr(const char *sourceText)
{
    return QCoreApplication::translate("SafetyMonitor", sourceText);
}

NodeId nodeOf(const QJsonObject &event)
{
    return NodeId(static_cast<std::uint32_t>(event.value(QStringLiteral("node")).toInteger()));
}

std::uint64_t unsignedOf(const QJsonObject &event, const char *key)
{
    return static_cast<std::uint64_t>(std::max<qint64>(0, event.value(QLatin1String(key)).toInteger()));
}

} // namespace

QString toString(SafetyViolation::Rule rule)
{
    switch (rule) {
    case SafetyViolation::Rule::TwoLeaders:
        return tr("Two leaders in one term");
    case SafetyViolation::Rule::CommittedEntriesDiffer:
        return tr("Committed entries differ");
    case SafetyViolation::Rule::CommittedEntryRemoved:
        return tr("A committed entry was removed");
    case SafetyViolation::Rule::CommitWentBack:
        return tr("A commit index went back");
    case SafetyViolation::Rule::AppliedNotPrefix:
        break;
    }
    return tr("Applied sequences diverge");
}

std::optional<SafetyViolation> SafetyMonitor::fold(const QJsonObject &event)
{
    const NodeId node = nodeOf(event);
    if (node.isNone())
        return std::nullopt;
    const QString type = event.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("state")) {
        // The first event of every subscription: a new stream, perhaps of a restarted process. What it
        // said before is forgotten, except what it committed, which every node must still agree with.
        NodeKnowledge &knowledge = m_nodes[node] = NodeKnowledge{};
        knowledge.commitIndex = unsignedOf(event, "commit_index");
        knowledge.commitKnown = true;
        knowledge.commitEvent = event;
        return foldRole(node, event);
    }
    if (type == QLatin1String("role"))
        return foldRole(node, event);
    if (type == QLatin1String("commit"))
        return foldCommit(node, unsignedOf(event, "index"), event);
    if (type == QLatin1String("truncate"))
        return foldTruncate(node, unsignedOf(event, "index"), event);
    if (type == QLatin1String("apply"))
        return foldApply(node, event);
    if (type == QLatin1String("append")) {
        foldAppend(node, event);
        const NodeKnowledge &knowledge = m_nodes[node];
        // A follower's commit event can come before the append event of the same Ready (the core's events
        // go out first): entries at or below its commit index are checked as they arrive.
        const std::uint64_t first = unsignedOf(event, "first");
        const std::uint64_t last = std::min(unsignedOf(event, "last"), knowledge.commitIndex);
        if (first != 0 && first <= last)
            return checkCommitted(node, first, last);
        return std::nullopt;
    }
    if (type == QLatin1String("snapshot") &&
        event.value(QStringLiteral("event")).toString() == QLatin1String("snapshot")) {
        // Installed from the leader: the log up to the snapshot is replaced by state the leader committed.
        NodeKnowledge &knowledge = m_nodes[node];
        const std::uint64_t index = unsignedOf(event, "index");
        knowledge.log.erase(knowledge.log.begin(), knowledge.log.upper_bound(index));
        knowledge.appliedKnown = false; // the state machine jumps to the snapshot
    }
    return std::nullopt;
}

std::optional<SafetyViolation> SafetyMonitor::foldApply(NodeId node, const QJsonObject &event)
{
    NodeKnowledge &knowledge = m_nodes[node];
    const std::uint64_t first = unsignedOf(event, "first");
    const std::uint64_t last = unsignedOf(event, "last");
    if (first == 0 || last < first)
        return std::nullopt;
    const bool known = knowledge.appliedKnown;
    const std::uint64_t previous = knowledge.lastApplied;
    const QJsonObject previousEvent = knowledge.appliedEvent;
    knowledge.lastApplied = last;
    knowledge.appliedKnown = true;
    knowledge.appliedEvent = event;
    if (known && first != previous + 1) {
        SafetyViolation violation;
        violation.rule = SafetyViolation::Rule::AppliedNotPrefix;
        violation.nodes = {node};
        violation.index = first;
        violation.text = tr("Node %1 applied index %2 right after index %3: a state machine applies "
                            "every committed entry once, in order.")
                             .arg(node.value)
                             .arg(first)
                             .arg(previous);
        violation.events = {previousEvent, event};
        return report(violation);
    }
    // Each entry applied must be the one committed at its index (checked where both are known).
    for (std::uint64_t index = first; index <= last && index - first < m_windowEntries; ++index) {
        const auto mine = knowledge.log.find(index);
        const auto committed = m_committed.find(index);
        if (mine == knowledge.log.end() || committed == m_committed.end() ||
            mine->second == committed->second.entry)
            continue;
        SafetyViolation violation;
        violation.rule = SafetyViolation::Rule::AppliedNotPrefix;
        violation.nodes = {committed->second.node, node};
        violation.term = mine->second.term;
        violation.index = index;
        violation.text = tr("Node %1 applied an entry of term %2 at index %3, where node %4 committed "
                            "one of term %5: their applied sequences diverge.")
                             .arg(node.value)
                             .arg(mine->second.term)
                             .arg(index)
                             .arg(committed->second.node.value)
                             .arg(committed->second.entry.term);
        violation.events = {committed->second.entry.event, event};
        return report(violation);
    }
    return std::nullopt;
}

std::optional<SafetyViolation> SafetyMonitor::foldRole(NodeId node, const QJsonObject &event)
{
    if (event.value(QStringLiteral("role")).toString() != QLatin1String("leader"))
        return std::nullopt;
    const std::uint64_t term = unsignedOf(event, "term");
    const auto [it, first] = m_leaders.try_emplace(term, node, event);
    if (first || it->second.first == node)
        return std::nullopt;
    SafetyViolation violation;
    violation.rule = SafetyViolation::Rule::TwoLeaders;
    violation.nodes = {it->second.first, node};
    violation.term = term;
    violation.text = tr("Nodes %1 and %2 were both leader in term %3: Raft allows one leader per term.")
                         .arg(it->second.first.value)
                         .arg(node.value)
                         .arg(term);
    violation.events = {it->second.second, event};
    return report(violation);
}

void SafetyMonitor::foldAppend(NodeId node, const QJsonObject &event)
{
    NodeKnowledge &knowledge = m_nodes[node];
    for (const QJsonValue &value : event.value(QStringLiteral("entries")).toArray()) {
        const QJsonObject entry = value.toObject();
        const std::uint64_t index = unsignedOf(entry, "index");
        if (index == 0)
            continue;
        // Appending at an index replaces what was there and everything after it (a truncation the
        // node may also announce on its own).
        knowledge.log.erase(knowledge.log.lower_bound(index), knowledge.log.end());
        knowledge.log[index] = EntryId{
            unsignedOf(entry, "term"),
            entry.contains(QStringLiteral("crc")) ? entry.value(QStringLiteral("crc")).toInteger() : -1,
            event};
    }
    prune();
}

std::optional<SafetyViolation> SafetyMonitor::foldCommit(NodeId node, std::uint64_t commitIndex,
                                                         const QJsonObject &event)
{
    NodeKnowledge &knowledge = m_nodes[node];
    const std::uint64_t previous = knowledge.commitIndex;
    if (knowledge.commitKnown && commitIndex < previous) {
        SafetyViolation violation;
        violation.rule = SafetyViolation::Rule::CommitWentBack;
        violation.nodes = {node};
        violation.index = commitIndex;
        violation.text = tr("Node %1's commit index went back from %2 to %3 while it ran: a committed "
                            "entry is committed for good.")
                             .arg(node.value)
                             .arg(previous)
                             .arg(commitIndex);
        violation.events = {knowledge.commitEvent, event};
        return report(violation);
    }
    knowledge.commitIndex = commitIndex;
    knowledge.commitKnown = true;
    knowledge.commitEvent = event;
    if (commitIndex > previous)
        return checkCommitted(node, previous + 1, commitIndex);
    return std::nullopt;
}

std::optional<SafetyViolation> SafetyMonitor::foldTruncate(NodeId node, std::uint64_t from,
                                                           const QJsonObject &event)
{
    NodeKnowledge &knowledge = m_nodes[node];
    if (knowledge.commitKnown && from != 0 && from <= knowledge.commitIndex) {
        SafetyViolation violation;
        violation.rule = SafetyViolation::Rule::CommittedEntryRemoved;
        violation.nodes = {node};
        violation.index = from;
        violation.text = tr("Node %1 removed its entries from index %2 although it had committed up to "
                            "index %3: committed entries must never be removed.")
                             .arg(node.value)
                             .arg(from)
                             .arg(knowledge.commitIndex);
        violation.events = {knowledge.commitEvent, event};
        return report(violation);
    }
    knowledge.log.erase(knowledge.log.lower_bound(from), knowledge.log.end());
    return std::nullopt;
}

std::optional<SafetyViolation> SafetyMonitor::checkCommitted(NodeId node, std::uint64_t from,
                                                             std::uint64_t to)
{
    const NodeKnowledge &knowledge = m_nodes[node];
    for (auto it = knowledge.log.lower_bound(from); it != knowledge.log.end() && it->first <= to; ++it) {
        const std::uint64_t index = it->first;
        const auto [known, first] = m_committed.try_emplace(index, Committed{node, it->second});
        m_highestCommitted = std::max(m_highestCommitted, index);
        if (first || known->second.entry == it->second)
            continue;
        const Committed &earlier = known->second;
        SafetyViolation violation;
        violation.rule = SafetyViolation::Rule::CommittedEntriesDiffer;
        violation.nodes = {earlier.node, node};
        violation.index = index;
        violation.term = it->second.term;
        violation.text = tr("Nodes %1 and %2 committed different entries at index %3 (term %4 and term "
                            "%5): every node must commit the same entry at an index.")
                             .arg(earlier.node.value)
                             .arg(node.value)
                             .arg(index)
                             .arg(earlier.entry.term)
                             .arg(it->second.term);
        violation.events = {earlier.entry.event, it->second.event};
        return report(violation);
    }
    prune();
    return std::nullopt;
}

std::optional<SafetyViolation> SafetyMonitor::report(SafetyViolation violation)
{
    violation.timeUs =
        violation.events.isEmpty() ? 0 : violation.events.last().value(QStringLiteral("t_us")).toInteger();
    m_violations.push_back(violation);
    return violation;
}

void SafetyMonitor::prune()
{
    if (m_highestCommitted <= m_windowEntries)
        return;
    const std::uint64_t floor = m_highestCommitted - m_windowEntries;
    m_committed.erase(m_committed.begin(), m_committed.lower_bound(floor));
    for (auto &[id, knowledge] : m_nodes)
        knowledge.log.erase(knowledge.log.begin(), knowledge.log.lower_bound(floor));
    // Terms far behind the newest leader's are done with.
    while (m_leaders.size() > 10'000)
        m_leaders.erase(m_leaders.begin());
}

} // namespace raftlab
