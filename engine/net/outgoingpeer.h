#pragma once

#include "core/types.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QString>

class QTcpSocket;
class QTimer;

namespace raftlab {

// The one outgoing connection to one peer: connects, says hello, writes frames, and reconnects with
// exponential backoff and jitter when the connection fails. While it is not connected it keeps a
// bounded number of frames; past that, frames are refused and the caller reports them dropped.
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
        QByteArray helloFrame; // sent first on every new connection
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
    bool isConnected() const;
    NodeId peer() const { return m_options.peer; }

Q_SIGNALS:
    void connectionChanged(raftlab::NodeId peer, bool connected);

private:
    void connectNow();
    void onConnected();
    void onDisconnected();
    void scheduleReconnect();

    Options m_options;
    std::uint64_t m_randomState;
    QTcpSocket *m_socket = nullptr;
    QTimer *m_reconnectTimer = nullptr;
    int m_backoffMs = 0;
    bool m_connected = false;
    QByteArray m_pending; // frames waiting for a connection
    std::size_t m_pendingFrames = 0;
};

} // namespace raftlab
