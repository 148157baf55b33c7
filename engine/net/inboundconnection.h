#pragma once

#include "core/message.h"
#include "framecodec.h"
#include "relaycodec.h"

#include <QObject>
#include <QString>

#include <functional>

class QTcpSocket;
class QTimer;

namespace raftlab {

// One connection a peer opened to us. The first frame must be a hello from a member of our cluster
// addressed to us (with the cluster secret's proof, when there is one: then we speak first, with a
// challenge); every later frame is one message from that member, or a relay frame (relaycodec.h). Until the
// hello is accepted, frames are small and the hello must come within a deadline, so a stranger holds little
// memory for little time. Anything else — garbage, an oversized frame, a stranger, silence — closes this
// connection and nothing more.
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
        QByteArray secret{}; // empty: no challenge, the hello is taken at its word
        std::uint32_t maxHelloFrameBytes = 4096;
        std::uint32_t maxFrameBytes = 64u << 20; // once the hello is accepted
        int helloTimeoutMs = 5000;
    };

    InboundConnection(QTcpSocket *socket, Expectations expectations, QObject *parent);

    NodeId peer() const { return m_peer; } // none until the hello is accepted
    const QString &remote() const { return m_remote; }
    // Closes the connection without a warning (a newer connection from the same peer replaced it).
    void close();

Q_SIGNALS:
    void helloAccepted(raftlab::NodeId peer);
    void messageArrived(const raftlab::Message &message, quint64 traceId);
    void relayArrived(raftlab::NodeId peer, const raftlab::RelayFrame &frame);
    // The connection was closed because of what it sent (or did not send): `reason` is one line for the log.
    void rejected(const QString &reason);
    // Once, whatever ended the connection; the object is deleted later.
    void closed();

private:
    void readFrames();
    bool handleFrame(const QByteArray &frame);
    bool acceptHello(const QByteArray &frame);
    void reject(const QString &reason);
    void finish();

    QTcpSocket *m_socket;
    QTimer *m_helloTimer;
    Expectations m_expectations;
    FrameDecoder m_decoder;
    QString m_remote; // "address:port", kept: the socket forgets it once closed
    QByteArray m_nonce; // the challenge we sent, when there is a secret
    NodeId m_peer;
    bool m_finished = false;
};

} // namespace raftlab
