#include "tcptransport.h"

#include "framecodec.h"
#include "inboundconnection.h"
#include "listenaddress.h"
#include "messagecodec.h"
#include "outgoingpeer.h"

#include <QLoggingCategory>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace raftlab {

Q_LOGGING_CATEGORY(lcNet, "raftlab.net")

const char *toString(DropReason reason)
{
    switch (reason) {
    case DropReason::Partitioned:
        return "partitioned";
    case DropReason::Loss:
        return "loss";
    case DropReason::Unreachable:
        return "unreachable";
    case DropReason::Expired:
        return "expired";
    case DropReason::QueueFull:
        return "queue_full";
    }
    return "unknown";
}

TcpTransport::TcpTransport(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_server(new QTcpServer(this))
    , m_random(m_options.randomSeed)
{
    for (const PeerAddress &peer : m_options.peers)
        createOutgoing(peer);
    const int clusterSize = static_cast<int>(m_options.peers.size()) + 1;
    m_maxPendingConnections =
        m_options.maxPendingConnections > 0 ? m_options.maxPendingConnections : std::max(64, 4 * clusterSize);
    connect(m_server, &QTcpServer::newConnection, this, &TcpTransport::acceptConnections);
}

OutgoingPeer *TcpTransport::createOutgoing(const PeerAddress &peer)
{
    {
        OutgoingPeer::Options peerOptions;
        peerOptions.peer = peer.id;
        peerOptions.host = peer.host;
        peerOptions.port = peer.port;
        peerOptions.hello = Hello{m_options.cluster, m_options.self, peer.id};
        peerOptions.secret = m_options.secret;
        peerOptions.maxChallengeFrameBytes = m_options.maxHelloFrameBytes;
        // Half the hello deadline: a challenge comes at once from a node with a secret, and the node without
        // one should hear why from this side before its own deadline closes the connection silently.
        peerOptions.challengeTimeoutMs = std::max(1, m_options.helloTimeoutMs / 2);
        peerOptions.maxQueuedBytes = m_options.maxQueuedBytesPerPeer;
        peerOptions.maxWaitMs = m_options.maxWaitForConnectionMs;
        auto *outgoing = new OutgoingPeer(peerOptions, m_random.next(), this);
        connect(outgoing, &OutgoingPeer::connectionChanged, this, &TcpTransport::peerConnectionChanged);
        connect(outgoing, &OutgoingPeer::expired, this, [this](const Message &message, quint64 traceId) {
            Q_EMIT messageDropped(message, traceId, DropReason::Expired, Direction::Outgoing);
        });
        m_outgoing.emplace(peer.id, outgoing);
        return outgoing;
    }
}

void TcpTransport::addPeer(const PeerAddress &peer)
{
    if (peer.id == m_options.self || peer.id.isNone() || m_outgoing.contains(peer.id) || peer.port == 0)
        return;
    OutgoingPeer *outgoing = createOutgoing(peer);
    if (m_server->isListening())
        outgoing->start();
}

TcpTransport::~TcpTransport() = default;

QString TcpTransport::start()
{
    QHostAddress address;
    if (const QString error = resolveListenAddress(m_options.listenHost, address); !error.isEmpty())
        return QStringLiteral("cannot listen for Raft peers on %1:%2: %3")
            .arg(m_options.listenHost)
            .arg(m_options.listenPort)
            .arg(error);
    if (!m_server->listen(address, m_options.listenPort))
        return QStringLiteral("cannot listen for Raft peers on %1:%2: %3")
            .arg(m_options.listenHost)
            .arg(m_options.listenPort)
            .arg(m_server->errorString());
    for (auto &[id, peer] : m_outgoing)
        peer->start();
    return QString();
}

quint16 TcpTransport::listeningPort() const
{
    return m_server->serverPort();
}

bool TcpTransport::isConnectedTo(NodeId peer) const
{
    const auto found = m_outgoing.find(peer);
    return found != m_outgoing.end() && found->second->isConnected();
}

bool TcpTransport::canRelayTo(NodeId peer) const
{
    const auto found = m_outgoing.find(peer);
    return found != m_outgoing.end() && hasConnectionFrom(peer) &&
        found->second->hasRoomFor(0, m_options.maxQueuedBytesPerPeer / 2);
}

bool TcpTransport::sendRelayFrame(NodeId peer, const QByteArray &frame)
{
    const auto found = m_outgoing.find(peer);
    return found != m_outgoing.end() &&
        found->second->writeIfRoom(frame, m_options.maxQueuedBytesPerPeer / 2);
}

QHostAddress TcpTransport::listeningAddress() const
{
    return m_server->serverAddress();
}

void TcpTransport::acceptConnections()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        if (static_cast<int>(m_pendingInbound.size()) >= m_maxPendingConnections)
            refuseOverCap(socket);
        else
            adopt(socket);
    }
}

void TcpTransport::adopt(QTcpSocket *socket)
{
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    InboundConnection::Expectations expectations{
        m_options.cluster,
        m_options.self,
        [this](NodeId id) { return m_outgoing.contains(id); },
        m_options.secret,
        m_options.maxHelloFrameBytes,
        m_options.maxFrameBytes,
        m_options.helloTimeoutMs,
    };
    auto *connection = new InboundConnection(socket, std::move(expectations), this);
    m_pendingInbound.insert(connection);
    connect(connection, &InboundConnection::helloAccepted, this, [this, connection](NodeId peer) {
        m_pendingInbound.erase(connection);
        // A peer keeps one connection to us; an older one it has abandoned (it reconnected, or restarted)
        // would otherwise linger, half-open, for as long as the network keeps quiet about it.
        if (const auto older = m_peerInbound.find(peer); older != m_peerInbound.end()) {
            qCDebug(lcNet, "node %u: a new connection from node %u at %s replaces the one from %s",
                    m_options.self.value, peer.value, qPrintable(connection->remote()),
                    qPrintable(older->second->remote()));
            older->second->close(); // its closed() removes it from m_peerInbound
        }
        m_peerInbound[peer] = connection;
    });
    connect(connection, &InboundConnection::closed, this, [this, connection] {
        m_pendingInbound.erase(connection);
        if (!connection->peer().isNone())
            Q_EMIT connectionFromPeerClosed(connection->peer());
        if (const auto found = m_peerInbound.find(connection->peer());
            found != m_peerInbound.end() && found->second == connection)
            m_peerInbound.erase(found);
    });
    connect(connection, &InboundConnection::rejected, this, [this](const QString &reason) {
        qCWarning(lcNet, "node %u %s", m_options.self.value, qPrintable(reason));
        Q_EMIT connectionRejected(reason);
    });
    connect(connection, &InboundConnection::relayArrived, this, &TcpTransport::relayReceived);
    connect(connection, &InboundConnection::messageArrived, this,
            [this](const Message &message, quint64 traceId) {
                if (m_blocked.contains(message.from)) {
                    Q_EMIT messageDropped(message, traceId, DropReason::Partitioned, Direction::Incoming);
                    return;
                }
                Q_EMIT messageReceived(message, traceId);
            });
}

void TcpTransport::refuseOverCap(QTcpSocket *socket)
{
    const QString remote =
        QStringLiteral("%1:%2").arg(socket->peerAddress().toString()).arg(socket->peerPort());
    socket->abort();
    socket->deleteLater();
    // One warning a second at most: a flood of connections must not become a flood of log lines.
    ++m_refusedSinceWarning;
    if (m_sinceCapWarning.isValid() && m_sinceCapWarning.elapsed() < 1000)
        return;
    const QString reason =
        QStringLiteral("closed %1 connection(s) at once, the latest from %2: %3 others have "
                       "not said hello yet (the limit)")
            .arg(m_refusedSinceWarning)
            .arg(remote)
            .arg(m_maxPendingConnections);
    qCWarning(lcNet, "node %u %s", m_options.self.value, qPrintable(reason));
    Q_EMIT connectionRejected(reason);
    m_refusedSinceWarning = 0;
    m_sinceCapWarning.start();
}

void TcpTransport::send(const Message &message)
{
    const quint64 traceId = (static_cast<quint64>(m_options.self.value) << 32) | m_nextSequence++;
    if (!m_outgoing.contains(message.to))
        return; // not a member: the core never addresses one
    Q_EMIT messageSent(message, traceId);
    if (!sendsTo(message.to)) {
        Q_EMIT messageDropped(message, traceId, DropReason::Partitioned, Direction::Outgoing);
        return;
    }
    if (m_random.chance(m_faults.loss)) {
        Q_EMIT messageDropped(message, traceId, DropReason::Loss, Direction::Outgoing);
        return;
    }
    const QByteArray frame = encodeMessageFrame(message, traceId);
    const int delayMs = m_faults.delayMs == 0 && m_faults.jitterMs == 0
        ? 0
        : std::max(0,
                   m_faults.delayMs +
                       static_cast<int>(m_random.between(-m_faults.jitterMs, m_faults.jitterMs + 1)));
    if (delayMs == 0) {
        deliver(message.to, frame, message, traceId);
        return;
    }
    // Delayed messages may overtake each other under jitter, as on a real network.
    QTimer::singleShot(delayMs, this, [this, to = message.to, frame, message, traceId] {
        if (!sendsTo(to)) {
            Q_EMIT messageDropped(message, traceId, DropReason::Partitioned, Direction::Outgoing);
            return;
        }
        deliver(to, frame, message, traceId);
    });
}

void TcpTransport::deliver(NodeId peer, const QByteArray &frame, const Message &message, quint64 traceId)
{
    OutgoingPeer *outgoing = m_outgoing.at(peer);
    if (!outgoing->enqueue(frame, message, traceId))
        Q_EMIT messageDropped(message, traceId,
                              outgoing->isConnected() ? DropReason::QueueFull : DropReason::Unreachable,
                              Direction::Outgoing);
}

} // namespace raftlab
