#include "clientsession.h"

#include "cluster/nodeclient.h"
#include "model/clienthistory.h"

#include <QPointer>

namespace raftlab {

ClientSession::ClientSession(const ClusterModel *model, ClientHistory *history, QObject *parent)
    : ClientRequests(history, parent)
    , m_targets(model)
{ }

ClientSession::~ClientSession() = default;

void ClientSession::setClients(const QList<NodeClient *> &clients)
{
    m_targets.setClients(clients);
    for (NodeClient *client : clients)
        if (client)
            connect(client, &QObject::destroyed, this, &ClientSession::abandonRequestsOf,
                    Qt::UniqueConnection);
}

NodeId ClientSession::send(KvRequest request, NodeId target, Done done)
{
    NodeClient *client = m_targets.pick(target);
    if (!client) {
        Q_EMIT requestRefused(request, target);
        return {};
    }
    request.anyNode = target.isNone();
    const quint64 id = takeRequestId();
    const NodeId node = client->id();
    m_pending.emplace(id, Pending{client, request, node, history()->begin(request), std::move(done)});
    Q_EMIT requestSent(id, request, node);

    const QPointer<ClientSession> self(this);
    auto callback = [self, id](const KvResult &result) {
        if (self)
            self->answered(id, result);
    };
    switch (request.operation) {
    case KvOperation::Put:
        client->put(request.key, request.value, std::move(callback), request.timeoutMs);
        break;
    case KvOperation::Get:
        client->get(request.key, std::move(callback),
                    request.localRead ? NodeClient::ReadConsistency::Local
                                      : NodeClient::ReadConsistency::Linearizable,
                    request.timeoutMs);
        break;
    case KvOperation::Delete:
        client->remove(request.key, std::move(callback), request.timeoutMs);
        break;
    case KvOperation::Cas:
        client->compareAndSet(request.key, request.expected, request.value, std::move(callback),
                              request.timeoutMs);
        break;
    }
    return node;
}

void ClientSession::answered(quint64 id, const KvResult &result)
{
    const auto found = m_pending.find(id);
    if (found == m_pending.end())
        return;
    Pending pending = std::move(found->second);
    m_pending.erase(found);
    history()->finish(pending.ticket, pending.request, result);
    Q_EMIT requestAnswered(id, pending.request, result, pending.node);
    if (pending.done)
        pending.done(result);
}

void ClientSession::abandonRequestsOf(QObject *client)
{
    std::vector<quint64> abandoned;
    for (const auto &[id, pending] : m_pending)
        if (pending.client == client)
            abandoned.push_back(id);
    KvResult noAnswer;
    noAnswer.networkError = tr("no answer: the node's connection was replaced");
    noAnswer.message = noAnswer.networkError;
    for (quint64 id : abandoned)
        answered(id, noAnswer);
}

} // namespace raftlab
