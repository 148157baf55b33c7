#include "inboundconnection.h"

#include "handshake.h"
#include "messagecodec.h"
#include "relaycodec.h"

#include <QTcpSocket>
#include <QTimer>

namespace raftlab {

InboundConnection::InboundConnection(QTcpSocket *socket, Expectations expectations, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_helloTimer(new QTimer(this))
    , m_expectations(std::move(expectations))
    , m_decoder(m_expectations.maxHelloFrameBytes)
    , m_remote(QStringLiteral("%1:%2").arg(socket->peerAddress().toString()).arg(socket->peerPort()))
{
    m_socket->setParent(this);
    // Until the hello, Qt reads no more than a hello's worth from the kernel at a time: a stranger's burst
    // waits there, not in our memory.
    m_socket->setReadBufferSize(m_expectations.maxHelloFrameBytes + 4);
    connect(m_socket, &QTcpSocket::readyRead, this, &InboundConnection::readFrames);
    connect(m_socket, &QTcpSocket::disconnected, this, &InboundConnection::finish);
    m_helloTimer->setSingleShot(true);
    connect(m_helloTimer, &QTimer::timeout, this,
            [this] { reject(QStringLiteral("no hello within %1 ms").arg(m_expectations.helloTimeoutMs)); });
    m_helloTimer->start(m_expectations.helloTimeoutMs);
    if (!m_expectations.secret.isEmpty()) {
        m_nonce = newChallengeNonce();
        QByteArray challenge;
        appendFrame(challenge, encodeChallenge(m_nonce));
        m_socket->write(challenge);
    }
}

void InboundConnection::close()
{
    finish();
}

void InboundConnection::readFrames()
{
    m_decoder.feed(m_socket->readAll());
    QByteArray frame;
    while (!m_finished) {
        switch (m_decoder.take(frame)) {
        case FrameDecoder::Status::Incomplete:
            return;
        case FrameDecoder::Status::Corrupt:
            reject(m_peer.isNone()
                       ? QStringLiteral(
                             "a first frame with a bad length or larger than a hello (not a RaftLab peer)")
                       : QStringLiteral("a frame with a bad length from node %1 (a damaged stream)")
                             .arg(m_peer.value));
            return;
        case FrameDecoder::Status::Frame:
            if (!handleFrame(frame))
                return;
            break;
        }
    }
}

bool InboundConnection::handleFrame(const QByteArray &frame)
{
    if (m_peer.isNone())
        return acceptHello(frame);
    if (isRelayFrame(frame)) {
        RelayFrame relay;
        if (const QString error = decodeRelayFrame(frame, relay); !error.isEmpty()) {
            reject(QStringLiteral("a malformed relay frame from node %1: %2").arg(m_peer.value).arg(error));
            return false;
        }
        Q_EMIT relayArrived(m_peer, relay);
        return true;
    }
    Message message;
    std::uint64_t traceId = 0;
    if (const QString error = decodeMessage(frame, message, traceId); !error.isEmpty()) {
        reject(QStringLiteral("a malformed message from node %1: %2").arg(m_peer.value).arg(error));
        return false;
    }
    if (message.from != m_peer || message.to != m_expectations.self) {
        reject(QStringLiteral("node %1 sent a message from %2 to %3")
                   .arg(m_peer.value)
                   .arg(message.from.value)
                   .arg(message.to.value));
        return false;
    }
    Q_EMIT messageArrived(message, traceId);
    return true;
}

bool InboundConnection::acceptHello(const QByteArray &frame)
{
    Hello hello;
    if (const QString error = decodeHello(frame, hello); !error.isEmpty()) {
        reject(error);
        return false;
    }
    if (hello.cluster != m_expectations.cluster) {
        reject(QStringLiteral("node %1 belongs to cluster '%2', not '%3'")
                   .arg(hello.from.value)
                   .arg(hello.cluster, m_expectations.cluster));
        return false;
    }
    if (!m_expectations.secret.isEmpty()) {
        if (hello.proof.isEmpty()) {
            reject(QStringLiteral(
                       "node %1 sent no proof of the cluster secret (is the secret configured there?)")
                       .arg(hello.from.value));
            return false;
        }
        if (!proofMatches(helloProof(m_expectations.secret, m_nonce, hello), hello.proof)) {
            reject(QStringLiteral("node %1 does not know the cluster secret (a wrong secret)")
                       .arg(hello.from.value));
            return false;
        }
    }
    if (hello.to != m_expectations.self || !m_expectations.isPeer(hello.from)) {
        reject(QStringLiteral("the hello from node %1 to node %2 does not fit this node %3 and its members")
                   .arg(hello.from.value)
                   .arg(hello.to.value)
                   .arg(m_expectations.self.value));
        return false;
    }
    m_peer = hello.from;
    m_helloTimer->stop();
    m_decoder.setMaxFrameBytes(m_expectations.maxFrameBytes);
    m_socket->setReadBufferSize(0); // unlimited, as the frame limit bounds what a peer can make us hold
    Q_EMIT helloAccepted(m_peer);
    return !m_finished;
}

void InboundConnection::reject(const QString &reason)
{
    if (m_finished)
        return;
    Q_EMIT rejected(QStringLiteral("closed the connection from %1: %2").arg(m_remote, reason));
    finish();
}

void InboundConnection::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_helloTimer->stop();
    m_socket->disconnect(this);
    m_socket->abort();
    Q_EMIT closed();
    deleteLater();
}

} // namespace raftlab
