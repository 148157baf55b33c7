#pragma once

#include "core/types.h"
#include "framecodec.h"
#include "messagecodec.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <deque>
#include <memory>

class QTcpSocket;
class QTimer;

namespace raftlab {

// The one outgoing connection to one peer: connects, says hello, writes frames, and reconnects with
// exponential backoff and jitter when the connection fails. With a cluster secret it first waits for the
// peer's challenge and answers it in the hello (handshake.h). Until the hello is out it keeps a bounded
// number of frames; past that, frames are refused and the caller reports them dropped. A frame that has
// waited longer than `maxWaitMs` for a connection (about an election timeout) is given up and reported
// expired: Raft tolerates loss, and a vote request or append delivered seconds late to a restarted peer
// only misleads (and was drawn in flight all that time).
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
        int maxWaitMs = 2500; // a frame waits no longer than this for a connection; 0: no limit
        int backoffMinMs = 20;
        int backoffMaxMs = 1000;
    };

    OutgoingPeer(Options options, std::uint64_t randomSeed, QObject *parent);
    ~OutgoingPeer() override;

    void start();
    // Queues one frame (`message` encoded, with its trace id). False when it must be dropped (queue full,
    // or too many while disconnected).
    bool enqueue(const QByteArray &frame, const Message &message, quint64 traceId);
    // Whether the connection is up with at most `limit` bytes waiting in it after `bytes` more.
    bool hasRoomFor(qint64 bytes, std::size_t limit) const;
    // Writes a frame that must not wait for a connection (a relay frame, relaycodec.h): false, and nothing
    // is kept, unless hasRoomFor() it within `limit`.
    bool writeIfRoom(const QByteArray &frame, std::size_t limit);
    // True once the hello is sent: frames then go straight to the socket.
    bool isConnected() const;
    NodeId peer() const { return m_options.peer; }

Q_SIGNALS:
    void connectionChanged(raftlab::NodeId peer, bool connected);
    // A queued frame waited `maxWaitMs` without a connection and was given up.
    void expired(const raftlab::Message &message, quint64 traceId);

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
    // Gives up the frames that have waited too long, and sets the timer for the next one.
    void expireWaiting();

    Options m_options;
    std::uint64_t m_randomState;
    QTcpSocket *m_socket = nullptr;
    QTimer *m_reconnectTimer = nullptr;
    QTimer *m_challengeTimer = nullptr;
    std::unique_ptr<FrameDecoder> m_challengeDecoder; // while a challenge is awaited
    QElapsedTimer m_connectedFor; // since the TCP connection was made
    int m_backoffMs = 0;
    bool m_connected = false;
    struct Waiting
    {
        QByteArray frame;
        Message message; // for the report when it expires
        quint64 traceId = 0;
        qint64 queuedAtMs = 0; // on m_clock
    };
    std::deque<Waiting> m_pending; // frames waiting for a connection, oldest first
    std::size_t m_pendingBytes = 0;
    QTimer *m_expiryTimer = nullptr;
    QElapsedTimer m_clock;
};

} // namespace raftlab
