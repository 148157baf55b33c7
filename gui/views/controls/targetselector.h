#pragma once

#include "core/types.h"

#include <QList>
#include <QPointer>

namespace raftlab {

class ClusterModel;
class NodeClient;

// Which node a client request goes to. A chosen node gets it whatever its state (a student may well
// want to see a write to a killed node fail); "any node" (NodeId{}) goes round robin among the nodes
// whose event stream is up in the model, and the node forwards it to the leader if it is not the
// leader itself — as a real client of a Raft cluster would do.
class TargetSelector
{
public:
    explicit TargetSelector(const ClusterModel *model);

    // The lead's controller owns the clients and may replace them at any time: they are held weakly.
    void setClients(const QList<NodeClient *> &clients);
    QList<NodeClient *> clients() const;

    // The client for `target`, or nullptr: an unknown node, or "any" while no node is reachable.
    NodeClient *pick(NodeId target);

private:
    bool isReachable(const NodeClient *client) const;

    const ClusterModel *m_model;
    QList<QPointer<NodeClient>> m_clients;
    qsizetype m_nextAny = 0; // the round robin's cursor
};

} // namespace raftlab
