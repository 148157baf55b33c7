#include "logcellinfo.h"

#include <QCoreApplication>
#include <QStringList>

namespace raftlab {

using namespace Qt::StringLiterals;

bool termsDisagreeAt(const ClusterModel &model, const std::vector<NodeId> &nodes, LogIndex index)
{
    const LogCell *seen = nullptr;
    for (NodeId id : nodes) {
        const LogMirror *log = model.log(id);
        const LogCell *cell = log ? log->entry(index) : nullptr;
        if (!cell)
            continue;
        if (seen && seen->term != cell->term)
            return true;
        seen = cell;
    }
    return false;
}

namespace {

QString nodeList(const QStringList &ids)
{
    return ids.size() == 1 ? QCoreApplication::translate("LogView", "node %1").arg(ids.front())
                           : QCoreApplication::translate("LogView", "nodes %1").arg(ids.join(u", "_s));
}

} // namespace

QString describeLogCell(const ClusterModel &model, NodeId node, LogIndex index)
{
    const LogMirror *log = model.log(node);
    const LogCell *cell = log ? log->entry(index) : nullptr;
    if (!cell)
        return {};
    QStringList lines;
    lines << QCoreApplication::translate("LogView", "<b>Index %1 · term %2</b>")
                 .arg(index.value)
                 .arg(cell->term.value);
    lines << cell->command.toHtmlEscaped();
    lines << (log->isCommitted(index)
                  ? QCoreApplication::translate(
                        "LogView", "Committed: node %1 knows a majority stores it (commit index %2).")
                        .arg(node.value)
                        .arg(log->commitIndex().value)
                  : QCoreApplication::translate("LogView",
                                                "Not committed on node %1 yet (its commit index is %2).")
                        .arg(node.value)
                        .arg(log->commitIndex().value));

    QStringList same, different;
    for (NodeId other : model.nodeIds()) {
        const LogMirror *otherLog = model.log(other);
        const LogCell *otherCell = otherLog ? otherLog->entry(index) : nullptr;
        if (!otherCell)
            continue;
        (otherCell->term == cell->term ? same : different) << QString::number(other.value);
    }
    lines << QCoreApplication::translate("LogView", "Held by %1.").arg(nodeList(same));
    if (index > log->reportedIndex()) {
        const NodeState *state = model.node(node);
        lines << QCoreApplication::translate(
                     "LogView",
                     "Node %1 has not reported it on its own disk yet: a leader sends an entry to its "
                     "followers while it writes it, and a follower holding an entry of term %2 got it from "
                     "the leader of term %2.")
                     .arg(node.value)
                     .arg(state ? state->term.value : cell->term.value);
    }
    if (!different.isEmpty())
        lines << QCoreApplication::translate(
                     "LogView", "Conflict: %1 hold%2 an entry of another term here; the leader's log wins.")
                     .arg(nodeList(different), different.size() == 1 ? u"s"_s : QString());
    return lines.join(u"<br>"_s);
}

} // namespace raftlab
