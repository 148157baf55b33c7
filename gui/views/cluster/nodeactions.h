#pragma once

// The actions of one node's context menu (kill, restart, freeze, thaw, isolate, make leader, details; in
// a simulated cluster also "fire its timer now").
// The menu shows these very QActions, and tests trigger them, so what a test checks is what a click does.
// Whether each applies is decided in one pure function, nodeActionApplies(), from what the view knows.

#include "core/types.h"
#include "model/processstate.h"

#include <QObject>

#include <array>
#include <optional>

class QAction;
class QMenu;

namespace raftlab {

enum class NodeAction { Kill, Restart, Freeze, Thaw, FireTimer, Isolate, MakeLeader, Remove, Details };
inline constexpr std::array<NodeAction, 9> allNodeActions{
    NodeAction::Kill,       NodeAction::Restart,   NodeAction::Freeze,
    NodeAction::Thaw,       NodeAction::FireTimer, NodeAction::Isolate,
    NodeAction::MakeLeader, NodeAction::Remove,    NodeAction::Details};

// What decides which actions apply to a node.
struct NodeActionContext
{
    // From the supervisor; nullopt when it never said (then `connected` tells whether the node lives).
    std::optional<ProcessState> process{};
    bool processControl = true; // false when attached to someone else's nodes
    bool connected = false; // its event stream is up
    bool isLeader = false;
    bool clusterHasLeader = false;
    bool fullyIsolated = false; // every link of it is cut already
    bool hasPeers = false;
    bool simulated = false; // a simulated cluster: a node's timer can be fired early
};

bool nodeActionApplies(NodeAction action, const NodeActionContext &context);

// The QActions of one node; `triggered(action)` says which was chosen.
class NodeActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeActions)

public:
    NodeActions(NodeId node, QObject *parent);

    NodeId node() const { return m_node; }
    QAction *action(NodeAction which) const { return m_actions[std::size_t(which)]; }
    void update(const NodeActionContext &context); // enables/disables, explains in tooltips
    void addTo(QMenu *menu) const;

Q_SIGNALS:
    void triggered(raftlab::NodeAction action, raftlab::NodeId node);

private:
    NodeId m_node;
    std::array<QAction *, allNodeActions.size()> m_actions{};
};

} // namespace raftlab
