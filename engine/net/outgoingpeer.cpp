#include "outgoingpeer.h"

#include "core/random.h"
#include "handshake.h"
#include "networkfaults.h"
#include "socketwrite.h"

#include <QLoggingCategory>
#include <QTcpSocket>
#include <QTimer>

namespace raftlab {

OutgoingPeer::OutgoingPeer(Options options, std::uint64_t randomSeed, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_randomState(randomSeed)
    , m_reconnectTimer(new QTimer(this))
    , m_challengeTimer(new QTimer(this))
    , m_backoffMs(m_options.backoffMinMs)
    , m_expiryTimer(new QTimer(this))
{
    m_clock.start();
    m_expiryTimer->setSingleShot(true);
    connect(m_expiryTimer, &QTimer::timeout, this, &OutgoingPeer::expireWaiting);
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &OutgoingPeer::connectNow);
    m_challengeTimer->setSingleShot(true);
    connect(m_challengeTimer, &QTimer::timeout, this, [this] {
        abandon(QStringLiteral(
                    "sent no challenge within %1 ms: it has no cluster secret configured, this node has "
                    "one")
                    .arg(m_options.challengeTimeoutMs));
    });
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

QString OutgoingPeer::describePeer() const
{
    return QStringLiteral("node %1 at %2:%3")
        .arg(m_options.peer.value)
        .arg(m_options.host)
        .arg(m_options.port);
}

void OutgoingPeer::connectNow()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
    }
    m_challengeTimer->stop();
    m_challengeDecoder.reset();
    m_socket = new QTcpSocket(this);
    connect(m_socket, &QTcpSocket::connected, this, &OutgoingPeer::onConnected);
    connect(m_socket, &QTcpSocket::disconnected, this, &OutgoingPeer::onDisconnected);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (!m_connected)
            scheduleReconnect();
    });
    // Apart from a challenge, the peer never talks back on this connection; anything it sends is ignored.
    connect(m_socket, &QTcpSocket::readyRead, this, &OutgoingPeer::readChallenge);
    m_socket->connectToHost(m_options.host, m_options.port);
}

void OutgoingPeer::onConnected()
{
    m_connectedFor.start();
    // TCP_NODELAY, here and not before connectToHost(): QAbstractSocket ignores options set before it
    // has a socket. Without it Nagle holds every append sent while the previous one is unacknowledged,
    // and the peer, which never answers on this connection, acknowledges only after its delayed-ACK
    // timer (~40 ms): that was the 40-50 ms p99 of the write benchmark.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (m_options.secret.isEmpty()) {
        sendHello(QByteArray());
        return;
    }
    m_challengeDecoder = std::make_unique<FrameDecoder>(m_options.maxChallengeFrameBytes);
    m_challengeTimer->start(m_options.challengeTimeoutMs);
    readChallenge(); // it may have come with the connection
}

void OutgoingPeer::readChallenge()
{
    const QByteArray bytes = m_socket->readAll();
    if (!m_challengeDecoder)
        return;
    m_challengeDecoder->feed(bytes);
    QByteArray frame;
    switch (m_challengeDecoder->take(frame)) {
    case FrameDecoder::Status::Incomplete:
        return;
    case FrameDecoder::Status::Corrupt:
        abandon(QStringLiteral("sent a first frame too large for a challenge (not a RaftLab node?)"));
        return;
    case FrameDecoder::Status::Frame:
        break;
    }
    QByteArray nonce;
    if (const QString error = decodeChallenge(frame, nonce); !error.isEmpty()) {
        abandon(error);
        return;
    }
    m_challengeTimer->stop();
    m_challengeDecoder.reset();
    sendHello(nonce);
}

void OutgoingPeer::sendHello(const QByteArray &nonce)
{
    Hello hello = m_options.hello;
    if (!m_options.secret.isEmpty())
        hello.proof = helloProof(m_options.secret, nonce, hello);
    QByteArray frame;
    appendFrame(frame, encodeHello(hello));
    m_socket->write(frame);
    m_connected = true;
    expireWaiting(); // what waited too long is not sent now
    m_expiryTimer->stop();
    for (const Waiting &waiting : m_pending)
        m_socket->write(waiting.frame);
    m_pending.clear();
    m_pendingBytes = 0;
    qCDebug(lcNet, "connected to %s", qPrintable(describePeer()));
    Q_EMIT connectionChanged(m_options.peer, true);
}

void OutgoingPeer::abandon(const QString &reason)
{
    qCWarning(lcNet, "%s %s", qPrintable(describePeer()), qPrintable(reason));
    m_challengeTimer->stop();
    m_challengeDecoder.reset();
    m_socket->disconnect(this);
    m_socket->abort();
    m_socket->deleteLater();
    m_socket = nullptr;
    onDisconnected();
}

void OutgoingPeer::onDisconnected()
{
    const bool wasConnected = m_connected;
    m_connected = false;
    m_challengeTimer->stop();
    m_challengeDecoder.reset();
    // Start again from the shortest backoff only after a connection that lasted: a peer that closes every
    // connection at once (it refuses our hello) is then dialled ever more slowly, not every 20 ms.
    if (m_connectedFor.isValid() && m_connectedFor.elapsed() >= m_options.backoffMaxMs)
        m_backoffMs = m_options.backoffMinMs;
    m_connectedFor.invalidate();
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

bool OutgoingPeer::hasRoomFor(qint64 bytes, std::size_t limit) const
{
    return m_connected && static_cast<std::size_t>(m_socket->bytesToWrite() + bytes) <= limit;
}

bool OutgoingPeer::writeIfRoom(const QByteArray &frame, std::size_t limit)
{
    if (!hasRoomFor(frame.size(), limit))
        return false;
    writeNowIfIdle(m_socket, frame);
    return true;
}

bool OutgoingPeer::enqueue(const QByteArray &frame, const Message &message, quint64 traceId)
{
    if (m_connected) {
        if (static_cast<std::size_t>(m_socket->bytesToWrite()) + static_cast<std::size_t>(frame.size()) >
            m_options.maxQueuedBytes)
            return false;
        writeNowIfIdle(m_socket, frame);
        return true;
    }
    expireWaiting();
    if (m_pending.size() >= m_options.maxFramesWhileDisconnected ||
        m_pendingBytes + static_cast<std::size_t>(frame.size()) > m_options.maxQueuedBytes)
        return false;
    m_pending.push_back(Waiting{frame, message, traceId, m_clock.elapsed()});
    m_pendingBytes += static_cast<std::size_t>(frame.size());
    if (m_options.maxWaitMs > 0 && !m_expiryTimer->isActive())
        m_expiryTimer->start(m_options.maxWaitMs);
    return true;
}

void OutgoingPeer::expireWaiting()
{
    if (m_options.maxWaitMs <= 0)
        return;
    const qint64 nowMs = m_clock.elapsed();
    while (!m_pending.empty() && nowMs - m_pending.front().queuedAtMs >= m_options.maxWaitMs) {
        const Waiting waiting = std::move(m_pending.front());
        m_pending.pop_front();
        m_pendingBytes -= static_cast<std::size_t>(waiting.frame.size());
        Q_EMIT expired(waiting.message, waiting.traceId);
    }
    if (m_pending.empty())
        m_expiryTimer->stop();
    else
        m_expiryTimer->start(static_cast<int>(
            std::max<qint64>(1, m_pending.front().queuedAtMs + m_options.maxWaitMs - nowMs)));
}

} // namespace raftlab
