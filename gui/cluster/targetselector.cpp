#include "targetselector.h"

#include "cluster/nodeclient.h"
#include "model/clustermodel.h"

namespace raftlab {

TargetSelector::TargetSelector(const ClusterModel *model)
    : m_model(model)
{ }

void TargetSelector::setClients(const QList<NodeClient *> &clients)
{
    m_clients.clear();
    for (NodeClient *client : clients)
        if (client)
            m_clients.append(client);
}

QList<NodeClient *> TargetSelector::clients() const
{
    QList<NodeClient *> alive;
    for (const QPointer<NodeClient> &client : m_clients)
        if (client)
            alive.append(client.data());
    return alive;
}

NodeClient *TargetSelector::pick(NodeId target)
{
    if (!target.isNone()) {
        for (const QPointer<NodeClient> &client : m_clients)
            if (client && client->id() == target)
                return client.data();
        return nullptr;
    }
    const qsizetype count = m_clients.size();
    for (qsizetype step = 0; step < count; ++step) {
        NodeClient *candidate = m_clients.at((m_nextAny + step) % count).data();
        if (candidate && isReachable(candidate)) {
            m_nextAny = (m_nextAny + step + 1) % count;
            return candidate;
        }
    }
    return nullptr;
}

bool TargetSelector::isReachable(const NodeClient *client) const
{
    const NodeState *state = m_model->node(client->id());
    return state && state->connected;
}

} // namespace raftlab
