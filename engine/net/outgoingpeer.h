#pragma once

#include "core/types.h"
#include "framecodec.h"
#include "messagecodec.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <memory>

class QTcpSocket;
class QTimer;

namespace raftlab {

// The one outgoing connection to one peer: connects, says hello, writes frames, and reconnects with
// exponential backoff and jitter when the connection fails. With a cluster secret it first waits for the
// peer's challenge and answers it in the hello (handshake.h). Until the hello is out it keeps a bounded
// number of frames; past that, frames are refused and the caller reports them dropped.
class OutgoingPeer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OutgoingPeer)

public:
    struct Options
    {
        NodeId peer{};
        QString host;
        quint16 port = 0;
        Hello hello{}; // sent first on every new connection (with a proof, when there is a secret)
        QByteArray secret{}; // empty: no challenge is expected
        std::uint32_t maxChallengeFrameBytes = 4096;
        int challengeTimeoutMs = 2500;
        std::size_t maxQueuedBytes = 64u << 20;
        std::size_t maxFramesWhileDisconnected = 1000;
        int backoffMinMs = 20;
        int backoffMaxMs = 1000;
    };

    OutgoingPeer(Options options, std::uint64_t randomSeed, QObject *parent);
    ~OutgoingPeer() override;

    void start();
    // Queues one frame. False when it must be dropped (queue full, or too many while disconnected).
    bool enqueue(const QByteArray &frame);
    // True once the hello is sent: frames then go straight to the socket.
    bool isConnected() const;
    NodeId peer() const { return m_options.peer; }

Q_SIGNALS:
    void connectionChanged(raftlab::NodeId peer, bool connected);

private:
    void connectNow();
    void onConnected();
    void onDisconnected();
    void readChallenge();
    void sendHello(const QByteArray &nonce);
    // Ends this connection because of what the peer did (or did not) send, and dials again later.
    void abandon(const QString &reason);
    void scheduleReconnect();
    QString describePeer() const;

    Options m_options;
    std::uint64_t m_randomState;
    QTcpSocket *m_socket = nullptr;
    QTimer *m_reconnectTimer = nullptr;
    QTimer *m_challengeTimer = nullptr;
    std::unique_ptr<FrameDecoder> m_challengeDecoder; // while a challenge is awaited
    QElapsedTimer m_connectedFor; // since the TCP connection was made
    int m_backoffMs = 0;
    bool m_connected = false;
    QByteArray m_pending; // frames waiting for a connection
    std::size_t m_pendingFrames = 0;
};

} // namespace raftlab
