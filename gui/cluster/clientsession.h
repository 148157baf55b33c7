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
#include "model/kvrequest.h"

#include <QObject>

#include <functional>
#include <map>

namespace raftlab {

class ClusterModel;
class NodeClient;

class ClientSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientSession)

public:
    using Done = std::function<void(const KvResult &)>;

    ClientSession(const ClusterModel *model, ClientHistory *history, QObject *parent = nullptr);
    ~ClientSession() override;

    void setClients(const QList<NodeClient *> &clients);
    ClientHistory *history() const { return m_history; }

    // Sends `request` to `target` (NodeId{}: any reachable node). Returns the node it went to, or NodeId{}
    // when it could not be sent (no such node, or none reachable): then requestRefused() is emitted, the
    // history is untouched and `done` is never called.
    NodeId send(KvRequest request, NodeId target, Done done = {});
    int inFlight() const { return int(m_pending.size()); }

Q_SIGNALS:
    void requestSent(quint64 id, const raftlab::KvRequest &request, raftlab::NodeId node);
    void requestAnswered(quint64 id, const raftlab::KvRequest &request, const raftlab::KvResult &result,
                         raftlab::NodeId node);
    void requestRefused(const raftlab::KvRequest &request, raftlab::NodeId target);

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

    ClientHistory *m_history;
    TargetSelector m_targets;
    std::map<quint64, Pending> m_pending;
    quint64 m_nextId = 1;
};

} // namespace raftlab
