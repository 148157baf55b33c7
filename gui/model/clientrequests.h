#pragma once

// ClientRequests: what the client panel talks to — something that sends a key-value request to a node
// of a cluster, records it in a ClientHistory and says through signals when it left, when its answer
// came, or that it could not be sent. A real cluster's ClientSession and a simulated cluster's
// SimClientSession both are one, so one binding (bindClientPanel) serves the app's window and the
// simulation's, and the panel never knows which cluster answers it.

#include "model/kvrequest.h"

#include <QObject>

namespace raftlab {

class ClientHistory;

class ClientRequests : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientRequests)

public:
    ~ClientRequests() override;

    ClientHistory *history() const { return m_history; }
    // Requests sent whose answer has not come yet.
    virtual int inFlight() const = 0;
    // Sends `request` to `target` (NodeId{}: whichever node the cluster picks). Returns the node it went
    // to, or NodeId{} when it could not be sent: then requestRefused() is emitted instead of requestSent().
    virtual NodeId send(KvRequest request, NodeId target) = 0;

Q_SIGNALS:
    void requestSent(quint64 id, const raftlab::KvRequest &request, raftlab::NodeId node);
    void requestAnswered(quint64 id, const raftlab::KvRequest &request, const raftlab::KvResult &result,
                         raftlab::NodeId node);
    void requestRefused(const raftlab::KvRequest &request, raftlab::NodeId target);

protected:
    ClientRequests(ClientHistory *history, QObject *parent);
    // The id of the next request sent: ids are unique for the life of this object.
    quint64 takeRequestId() { return m_nextId++; }

private:
    ClientHistory *m_history;
    quint64 m_nextId = 1;
};

} // namespace raftlab
