#pragma once

// ChaosClients: concurrent clients of a chaos run, each doing put / get / compare-and-swap on a small
// set of keys (so that operations on one key overlap, as in Jepsen's register workloads), every request
// through the ClientSession and so in the history. Each client sends to a random node, waits for the
// answer, pauses a little, and goes on; a write's value is unique (client and sequence number), so a
// read says which write it saw.
//
// It also keeps the acknowledged writes (index and term of every write the cluster confirmed), for the
// end-of-run check that every node holds them.

#include "core/types.h"
#include "model/kvrequest.h"

#include <QElapsedTimer>
#include <QObject>
#include <QRandomGenerator>

#include <map>
#include <vector>

namespace raftlab {

class ClientSession;

class ChaosClients final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChaosClients)

public:
    static constexpr int keyCount = 5; // at a time
    static constexpr int keyGenerationMs = 20'000; // then five new keys
    static constexpr int requestTimeoutMs = 2000; // asked of the node (?timeout_ms)
    static constexpr int maxPauseMs = 40; // between a client's answer and its next request

    struct AcknowledgedWrite
    {
        QByteArray key;
        qint64 index = 0;
        qint64 term = 0;
    };

    ChaosClients(ClientSession *session, std::vector<NodeId> nodes, int clients, quint64 seed,
                 QObject *parent = nullptr);

    void start();
    void stop(); // no new requests; drained() once every request in flight has its answer
    bool isRunning() const { return m_running; }
    int inFlight() const { return m_inFlight; }
    quint64 sent() const { return m_sent; }
    const std::vector<AcknowledgedWrite> &acknowledged() const { return m_acknowledged; }

Q_SIGNALS:
    void drained();

private:
    void next(int client);
    void answered(int client, const KvRequest &request, const KvResult &result);

    ClientSession *m_session;
    std::vector<NodeId> m_nodes;
    int m_clients;
    QRandomGenerator m_random;
    QElapsedTimer m_clock; // since start(): which generation of keys is in use
    bool m_running = false;
    int m_inFlight = 0;
    quint64 m_sent = 0;
    std::map<int, std::map<QByteArray, std::optional<QByteArray>>> m_lastSeen; // client -> key -> value
    std::vector<AcknowledgedWrite> m_acknowledged;
};

} // namespace raftlab
