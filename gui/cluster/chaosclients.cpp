#include "chaosclients.h"

#include "cluster/clientsession.h"

#include <QPointer>
#include <QTimer>

namespace raftlab {

ChaosClients::ChaosClients(ClientSession *session, std::vector<NodeId> nodes, int clients, quint64 seed,
                           QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_nodes(std::move(nodes))
    , m_clients(std::max(1, clients))
    , m_random(quint32(seed ^ (seed >> 32)) ^ 0x5eed)
{ }

void ChaosClients::start()
{
    if (m_running || m_nodes.empty())
        return;
    m_running = true;
    m_clock.start();
    for (int client = 0; client < m_clients; ++client)
        next(client);
}

void ChaosClients::stop()
{
    if (!m_running)
        return;
    m_running = false;
    if (m_inFlight == 0)
        Q_EMIT drained();
}

void ChaosClients::next(int client)
{
    if (!m_running)
        return;
    // A fresh set of keys every keyGenerationMs: operations on a key still overlap, but each key's history
    // stays short, so the unknown writes of a long run never pile up on one key (Jepsen's independent
    // keys).
    const QByteArray key = "k" + QByteArray::number(m_clock.elapsed() / keyGenerationMs) + "-" +
        QByteArray::number(m_random.bounded(keyCount));
    const QByteArray value = QByteArray::number(client + 1) + "-" + QByteArray::number(++m_sent);
    KvRequest request{.key = key, .value = value, .timeoutMs = requestTimeoutMs};
    request.source = KvSource::Chaos;
    const int dice = int(m_random.bounded(100));
    if (dice < 40) {
        request.operation = KvOperation::Get;
    } else if (dice < 70) {
        request.operation = KvOperation::Put;
    } else {
        // From the value this client last saw: often right, sometimes stale, so both outcomes happen.
        request.operation = KvOperation::Cas;
        const auto seen = m_lastSeen[client].find(key);
        request.expected = seen == m_lastSeen[client].end() ? std::nullopt : seen->second;
    }
    // Any node whose event stream is up, in turn: a request to a killed node would end without an HTTP
    // answer, which a history must record as unknown (see KvResult::networkError), and a history full
    // of unknown writes is slow to check without telling anything.
    const QPointer<ChaosClients> self(this);
    ++m_inFlight;
    const NodeId sent = m_session->send(request, NodeId{}, [self, client, request](const KvResult &result) {
        if (self)
            self->answered(client, request, result);
    });
    if (sent.isNone()) { // no node reachable: nothing left, try again shortly
        --m_inFlight;
        QTimer::singleShot(maxPauseMs, this, [this, client] { next(client); });
    }
}

void ChaosClients::answered(int client, const KvRequest &request, const KvResult &result)
{
    --m_inFlight;
    if (result.ok()) {
        if (request.operation == KvOperation::Get)
            m_lastSeen[client][request.key] = result.body;
        else
            m_lastSeen[client][request.key] = request.value;
        if (request.operation != KvOperation::Get && result.index && result.term)
            m_acknowledged.push_back(AcknowledgedWrite{request.key, *result.index, *result.term});
    } else if (result.httpStatus == 404) {
        m_lastSeen[client][request.key] = std::nullopt;
    }
    if (!m_running) {
        if (m_inFlight == 0)
            Q_EMIT drained();
        return;
    }
    QTimer::singleShot(int(m_random.bounded(maxPauseMs + 1)), this, [this, client] { next(client); });
}

} // namespace raftlab
