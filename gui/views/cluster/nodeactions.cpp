#include "nodeactions.h"

#include <QAction>
#include <QMenu>

namespace raftlab {

using Process = ProcessState;

namespace {

// Alive: a process that runs (or, without a supervisor's word, a node whose stream is up).
bool isAlive(const NodeActionContext &context)
{
    if (!context.process || *context.process == Process::External)
        return context.connected;
    return *context.process == Process::Running || *context.process == Process::Starting ||
        *context.process == Process::Frozen;
}

bool isGone(const NodeActionContext &context)
{
    return context.process && (*context.process == Process::Killed || *context.process == Process::Exited);
}

bool isFrozen(const NodeActionContext &context)
{
    return context.process && *context.process == Process::Frozen;
}

QString textOf(NodeAction action, NodeId node)
{
    const QString id = QString::number(node.value);
    switch (action) {
    case NodeAction::Kill:
        return QObject::tr("Kill node %1 (crash)").arg(id);
    case NodeAction::Restart:
        return QObject::tr("Restart node %1").arg(id);
    case NodeAction::Freeze:
        return QObject::tr("Freeze node %1 (pause the process)").arg(id);
    case NodeAction::Thaw:
        return QObject::tr("Thaw node %1").arg(id);
    case NodeAction::FireTimer:
        return QObject::tr("Fire node %1's timer now").arg(id);
    case NodeAction::Isolate:
        return QObject::tr("Isolate node %1 (cut all its links)").arg(id);
    case NodeAction::MakeLeader:
        return QObject::tr("Make node %1 the leader").arg(id);
    case NodeAction::Remove:
        return QObject::tr("Remove node %1 from the cluster").arg(id);
    case NodeAction::Details:
        return QObject::tr("Details of node %1…").arg(id);
    }
    return {};
}

QString whyDisabled(NodeAction action, const NodeActionContext &context)
{
    const bool needsProcess = action == NodeAction::Kill || action == NodeAction::Restart ||
        action == NodeAction::Freeze || action == NodeAction::Thaw;
    if (needsProcess && !context.processControl)
        return QObject::tr("These nodes run outside RaftLab (attached): their processes are not ours.");
    switch (action) {
    case NodeAction::Kill:
    case NodeAction::Freeze:
        return QObject::tr("The process is not running.");
    case NodeAction::Restart:
        return QObject::tr("The process still runs: kill it first.");
    case NodeAction::Thaw:
        return QObject::tr("The process is not frozen.");
    case NodeAction::FireTimer:
        return QObject::tr("The node is down or frozen: its timer does not run.");
    case NodeAction::Isolate:
        return QObject::tr("All its links are cut already.");
    case NodeAction::MakeLeader:
        return context.isLeader ? QObject::tr("It leads already.")
                                : QObject::tr("Needs a running node and a current leader to hand over.");
    case NodeAction::Remove:
        return QObject::tr("Needs a current leader to change the configuration.");
    case NodeAction::Details:
        break;
    }
    return {};
}

} // namespace

bool nodeActionApplies(NodeAction action, const NodeActionContext &context)
{
    switch (action) {
    case NodeAction::Kill:
        return context.processControl && isAlive(context) && context.process.has_value();
    case NodeAction::Restart:
        return context.processControl && isGone(context);
    case NodeAction::Freeze:
        return context.processControl && isAlive(context) && context.process.has_value() &&
            !isFrozen(context);
    case NodeAction::Thaw:
        return context.processControl && isFrozen(context);
    case NodeAction::FireTimer:
        return context.simulated && isAlive(context) && !isFrozen(context);
    case NodeAction::Isolate:
        // Partitions are admin calls on the nodes: they work attached too.
        return context.hasPeers && !context.fullyIsolated;
    case NodeAction::MakeLeader:
        return isAlive(context) && !isFrozen(context) && context.connected && !context.isLeader &&
            context.clusterHasLeader;
    case NodeAction::Remove:
        return context.clusterHasLeader;
    case NodeAction::Details:
        return true;
    }
    return false;
}

NodeActions::NodeActions(NodeId node, QObject *parent)
    : QObject(parent)
    , m_node(node)
{
    for (const NodeAction which : allNodeActions) {
        auto *action = new QAction(textOf(which, node), this);
        connect(action, &QAction::triggered, this, [this, which] { Q_EMIT triggered(which, m_node); });
        m_actions[std::size_t(which)] = action;
    }
}

void NodeActions::update(const NodeActionContext &context)
{
    for (const NodeAction which : allNodeActions) {
        QAction *action = m_actions[std::size_t(which)];
        const bool applies = nodeActionApplies(which, context);
        action->setEnabled(applies);
        // Only a simulated cluster's timers are ours to fire: real nodes keep their own time.
        action->setVisible(which != NodeAction::FireTimer || context.simulated);
        // A greyed-out entry says why: the menu shows tooltips (QMenu::setToolTipsVisible).
        action->setToolTip(applies ? action->text() : whyDisabled(which, context));
    }
}

void NodeActions::addTo(QMenu *menu) const
{
    for (const NodeAction which : allNodeActions) {
        if (which == NodeAction::Isolate || which == NodeAction::Details)
            menu->addSeparator();
        menu->addAction(m_actions[std::size_t(which)]);
    }
}

} // namespace raftlab
