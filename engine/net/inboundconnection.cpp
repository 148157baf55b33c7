#include "inboundconnection.h"

#include "messagecodec.h"

#include <QTcpSocket>

namespace raftlab {

InboundConnection::InboundConnection(QTcpSocket *socket, Expectations expectations, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_expectations(std::move(expectations))
    , m_decoder(m_expectations.maxFrameBytes)
{
    m_socket->setParent(this);
    connect(m_socket, &QTcpSocket::readyRead, this, &InboundConnection::readFrames);
    connect(m_socket, &QTcpSocket::disconnected, this, [this] {
        Q_EMIT closed();
        deleteLater();
    });
}

QString InboundConnection::remote() const
{
    return QStringLiteral("%1:%2").arg(m_socket->peerAddress().toString()).arg(m_socket->peerPort());
}

void InboundConnection::readFrames()
{
    m_decoder.feed(m_socket->readAll());
    QByteArray frame;
    while (!m_closing) {
        switch (m_decoder.take(frame)) {
        case FrameDecoder::Status::Incomplete:
            return;
        case FrameDecoder::Status::Corrupt:
            reject(QStringLiteral("a frame with a bad length (not a RaftLab peer, or a damaged stream)"));
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
    if (m_peer.isNone()) {
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
        if (hello.to != m_expectations.self || !m_expectations.isPeer(hello.from)) {
            reject(
                QStringLiteral("the hello from node %1 to node %2 does not fit this node %3 and its members")
                    .arg(hello.from.value)
                    .arg(hello.to.value)
                    .arg(m_expectations.self.value));
            return false;
        }
        m_peer = hello.from;
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

void InboundConnection::reject(const QString &reason)
{
    m_closing = true;
    Q_EMIT rejected(QStringLiteral("closed the connection from %1: %2").arg(remote(), reason));
    m_socket->abort();
    deleteLater();
}

} // namespace raftlab
