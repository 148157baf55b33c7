#include "logcellinfo.h"

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
    return ids.size() == 1 ? u"node %1"_s.arg(ids.front()) : u"nodes %1"_s.arg(ids.join(u", "_s));
}

} // namespace

QString describeLogCell(const ClusterModel &model, NodeId node, LogIndex index)
{
    const LogMirror *log = model.log(node);
    const LogCell *cell = log ? log->entry(index) : nullptr;
    if (!cell)
        return {};
    QStringList lines;
    lines << u"<b>Index %1 · term %2</b>"_s.arg(index.value).arg(cell->term.value);
    lines << cell->command.toHtmlEscaped();
    lines << (log->isCommitted(index)
                  ? u"Committed: node %1 knows a majority stores it (commit index %2)."_s.arg(node.value)
                        .arg(log->commitIndex().value)
                  : u"Not committed on node %1 yet (its commit index is %2)."_s.arg(node.value)
                        .arg(log->commitIndex().value));

    QStringList same, different;
    for (NodeId other : model.nodeIds()) {
        const LogMirror *otherLog = model.log(other);
        const LogCell *otherCell = otherLog ? otherLog->entry(index) : nullptr;
        if (!otherCell)
            continue;
        (otherCell->term == cell->term ? same : different) << QString::number(other.value);
    }
    lines << u"Held by %1."_s.arg(nodeList(same));
    if (!different.isEmpty())
        lines << u"Conflict: %1 hold%2 an entry of another term here; the leader's log wins."_s.arg(
            nodeList(different), different.size() == 1 ? u"s"_s : QString());
    return lines.join(u"<br>"_s);
}

} // namespace raftlab
