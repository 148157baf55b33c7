#pragma once

#include "core/message.h"
#include "framecodec.h"

#include <QObject>
#include <QString>

#include <functional>

class QTcpSocket;

namespace raftlab {

// One connection a peer opened to us. It only reads: the first frame must be a hello from a member
// of our cluster addressed to us; every later frame is one message from that member. Anything else
// — garbage, an oversized frame, a stranger — closes this connection and nothing more.
class InboundConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InboundConnection)

public:
    struct Expectations
    {
        QString cluster;
        NodeId self{};
        std::function<bool(NodeId)> isPeer;
        std::uint32_t maxFrameBytes = 64u << 20;
    };

    InboundConnection(QTcpSocket *socket, Expectations expectations, QObject *parent);

    NodeId peer() const { return m_peer; }
    QString remote() const;

Q_SIGNALS:
    void messageArrived(const raftlab::Message &message, quint64 traceId);
    // The connection was closed because of what it sent: `reason` is one line for the log.
    void rejected(const QString &reason);
    void closed();

private:
    void readFrames();
    bool handleFrame(const QByteArray &frame);
    void reject(const QString &reason);

    QTcpSocket *m_socket;
    Expectations m_expectations;
    FrameDecoder m_decoder;
    NodeId m_peer; // none until the hello arrived
    bool m_closing = false;
};

} // namespace raftlab
