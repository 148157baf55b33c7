#include "outgoingpeer.h"

#include "core/random.h"
#include "networkfaults.h"

#include <QLoggingCategory>
#include <QTcpSocket>
#include <QTimer>

namespace raftlab {

OutgoingPeer::OutgoingPeer(Options options, std::uint64_t randomSeed, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_randomState(randomSeed)
    , m_reconnectTimer(new QTimer(this))
    , m_backoffMs(m_options.backoffMinMs)
{
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &OutgoingPeer::connectNow);
}

OutgoingPeer::~OutgoingPeer() = default;

void OutgoingPeer::start()
{
    connectNow();
}

bool OutgoingPeer::isConnected() const
{
    return m_connected;
}

void OutgoingPeer::connectNow()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
    }
    m_socket = new QTcpSocket(this);
    connect(m_socket, &QTcpSocket::connected, this, &OutgoingPeer::onConnected);
    connect(m_socket, &QTcpSocket::disconnected, this, &OutgoingPeer::onDisconnected);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (!m_connected)
            scheduleReconnect();
    });
    // The peer never talks back on this connection; anything it sends is ignored.
    connect(m_socket, &QTcpSocket::readyRead, m_socket, [socket = m_socket] { socket->readAll(); });
    m_socket->connectToHost(m_options.host, m_options.port);
}

void OutgoingPeer::onConnected()
{
    m_connected = true;
    m_backoffMs = m_options.backoffMinMs;
    // TCP_NODELAY, here and not before connectToHost(): QAbstractSocket ignores options set before it
    // has a socket. Without it Nagle holds every append sent while the previous one is unacknowledged,
    // and the peer, which never answers on this connection, acknowledges only after its delayed-ACK
    // timer (~40 ms): that was the 40-50 ms p99 of the write benchmark.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_socket->write(m_options.helloFrame);
    if (!m_pending.isEmpty()) {
        m_socket->write(m_pending);
        m_pending.clear();
        m_pendingFrames = 0;
    }
    qCDebug(lcNet, "connected to node %u at %s:%u", m_options.peer.value, qPrintable(m_options.host),
            m_options.port);
    Q_EMIT connectionChanged(m_options.peer, true);
}

void OutgoingPeer::onDisconnected()
{
    const bool wasConnected = m_connected;
    m_connected = false;
    if (wasConnected)
        Q_EMIT connectionChanged(m_options.peer, false);
    scheduleReconnect();
}

void OutgoingPeer::scheduleReconnect()
{
    if (m_reconnectTimer->isActive())
        return;
    // Exponential backoff with ±25% jitter, so that restarted nodes do not all dial in lockstep.
    Random random(m_randomState++);
    const int jitter = static_cast<int>(random.between(-m_backoffMs / 4, m_backoffMs / 4 + 1));
    m_reconnectTimer->start(std::max(1, m_backoffMs + jitter));
    m_backoffMs = std::min(m_backoffMs * 2, m_options.backoffMaxMs);
}

bool OutgoingPeer::enqueue(const QByteArray &frame)
{
    if (m_connected) {
        if (static_cast<std::size_t>(m_socket->bytesToWrite()) + static_cast<std::size_t>(frame.size()) >
            m_options.maxQueuedBytes)
            return false;
        m_socket->write(frame);
        return true;
    }
    if (m_pendingFrames >= m_options.maxFramesWhileDisconnected ||
        static_cast<std::size_t>(m_pending.size() + frame.size()) > m_options.maxQueuedBytes)
        return false;
    m_pending.append(frame);
    ++m_pendingFrames;
    return true;
}

} // namespace raftlab
