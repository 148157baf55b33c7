#pragma once

// ClientSession: the one place every client request of the app passes through — the client panel's,
// the load generator's, a scenario's and the chaos clients'. It picks the node (a chosen one, or "any"
// reachable node in turn), sends the request with NodeClient, records it in the ClientHistory as it
// leaves and as its answer comes, and tells the views through signals; the views never hold a
// NodeClient.
//
// NodeClients may be replaced at any time (a reset, an attach): a request whose client goes away gets
// an answer without HTTP status ("no answer: the node's connection was replaced"), recorded unknown.

#include "cluster/targetselector.h"
#include "model/clienthistory.h"
#include "model/clientrequests.h"

#include <functional>
#include <map>

namespace raftlab {

class ClusterModel;
class NodeClient;

class ClientSession final : public ClientRequests
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientSession)

public:
    using Done = std::function<void(const KvResult &)>;

    ClientSession(const ClusterModel *model, ClientHistory *history, QObject *parent = nullptr);
    ~ClientSession() override;

    void setClients(const QList<NodeClient *> &clients);

    // Sends `request` to `target` (NodeId{}: any reachable node). Returns the node it went to, or NodeId{}
    // when it could not be sent (no such node, or none reachable): then requestRefused() is emitted, the
    // history is untouched and `done` is never called.
    NodeId send(KvRequest request, NodeId target, Done done);
    NodeId send(KvRequest request, NodeId target) override
    {
        return send(std::move(request), target, Done{});
    }
    int inFlight() const override { return int(m_pending.size()); }

private:
    struct Pending
    {
        const QObject *client = nullptr;
        KvRequest request;
        NodeId node;
        ClientHistory::Ticket ticket;
        Done done;
    };
    void answered(quint64 id, const KvResult &result);
    void abandonRequestsOf(QObject *client);

    TargetSelector m_targets;
    std::map<quint64, Pending> m_pending;
};

} // namespace raftlab
