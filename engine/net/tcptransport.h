#pragma once

#include "core/message.h"
#include "core/random.h"
#include "networkfaults.h"
#include "relaycodec.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>

#include <map>
#include <set>
#include <vector>

class QTcpServer;
class QTcpSocket;

namespace raftlab {

class InboundConnection;
class OutgoingPeer;

// Moves Raft messages between this node and its peers over TCP: one listening server for incoming
// connections, one outgoing connection per peer, length-prefixed CBOR frames.
// Inbound connections are bounded: at most `maxPendingConnections` that have not yet had their hello
// accepted (past that, a new connection is closed at once), and one per peer after the hello (a newer
// one from the same peer replaces the older, which a restarted or reconnected peer has abandoned). So
// strangers, however many, never close a peer's accepted connection, and what they hold costs little; a
// peer that reconnects while strangers hold every waiting slot gets one when their hello deadline frees it.
// The fault filter lives here, so a cut link is a real loss between real processes: blocked peers
// (both directions), delay with jitter, and loss on outgoing messages. Every message sent gets a
// trace id (the sender's id in the high 32 bits, a sequence below) that its `recv` or `drop` repeats.
class TcpTransport final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TcpTransport)

public:
    struct PeerAddress
    {
        NodeId id{};
        QString host;
        quint16 port = 0;
    };

    struct Options
    {
        QString cluster;
        NodeId self{};
        QString listenHost;
        quint16 listenPort = 0;
        std::vector<PeerAddress> peers;
        QByteArray secret{}; // the cluster secret (handshake.h); empty: hellos are taken at their word
        std::uint32_t maxFrameBytes = 64u << 20; // after the hello
        std::uint32_t maxHelloFrameBytes = 4096; // before it: the hello and challenge are far smaller
        int helloTimeoutMs = 5000; // an inbound connection without an accepted hello by then is closed
        int maxPendingConnections = 0; // 0: max(64, 4 × the cluster's size)
        std::size_t maxQueuedBytesPerPeer = 64u << 20;
        // A message waits no longer than this for a connection to its peer (about an election timeout),
        // then it is dropped as `expired`; 0: no limit.
        int maxWaitForConnectionMs = 2500;
        std::uint64_t randomSeed = 1;
    };

    explicit TcpTransport(Options options, QObject *parent = nullptr);
    ~TcpTransport() override;

    // Starts listening and dialling the peers. Returns an error sentence, or empty on success.
    QString start();
    quint16 listeningPort() const;
    QHostAddress listeningAddress() const;
    // Inbound connections still waiting for (or checking) their hello, and those accepted from peers.
    int pendingInboundConnections() const { return static_cast<int>(m_pendingInbound.size()); }
    int peerInboundConnections() const { return static_cast<int>(m_peerInbound.size()); }

    void send(const Message &message);
    // A peer learned after start (a node added to the configuration with its address): dialled at once,
    // and accepted when it connects. A peer already known keeps its address.
    void addPeer(const PeerAddress &peer);

    // Peers whose traffic this node drops both ways (a link is cut when both ends block each other).
    void setBlockedPeers(const std::set<NodeId> &peers) { m_blocked = peers; }
    const std::set<NodeId> &blockedPeers() const { return m_blocked; }
    // Peers this node does not send to, while it still hears them: a one-way cut of one link.
    void setOutgoingBlockedPeers(const std::set<NodeId> &peers) { m_outgoingBlocked = peers; }
    const std::set<NodeId> &outgoingBlockedPeers() const { return m_outgoingBlocked; }
    void setFaults(const NetworkFaults &faults) { m_faults = faults; }
    const NetworkFaults &faults() const { return m_faults; }
    bool isConnectedTo(NodeId peer) const;
    // Whether `peer`'s own connection to us is open (its hello accepted): what it sends us arrives.
    bool hasConnectionFrom(NodeId peer) const { return m_peerInbound.contains(peer); }
    // Whether a relay frame to `peer` would leave now: both connections with it are open (the answers to
    // relayed writes come back on the peer's), and relay frames take at most half of the buffer towards
    // it, so that they never crowd out Raft's messages.
    bool canRelayTo(NodeId peer) const;
    // Sends a relay frame (relaycodec.h, with its length prefix) at once, or not at all: false when the
    // connection to `peer` is down or half its buffer is taken. Relay frames carry client traffic, not
    // Raft's, so the lab's faults (cut links, delay, loss) do not apply to them, just as they did not to the
    // HTTP forwarding that relays replace.
    bool sendRelayFrame(NodeId peer, const QByteArray &frame);

Q_SIGNALS:
    void messageReceived(const raftlab::Message &message, quint64 traceId);
    void messageSent(const raftlab::Message &message, quint64 traceId);
    void messageDropped(const raftlab::Message &message, quint64 traceId, raftlab::DropReason reason,
                        raftlab::Direction direction);
    void relayReceived(raftlab::NodeId peer, const raftlab::RelayFrame &frame);
    // A peer's accepted connection to us closed (or a newer one replaced it): what it was sending us on it
    // is lost.
    void connectionFromPeerClosed(raftlab::NodeId peer);
    void connectionRejected(const QString &reason);
    void peerConnectionChanged(raftlab::NodeId peer, bool connected);

private:
    void acceptConnections();
    void adopt(QTcpSocket *socket);
    void refuseOverCap(QTcpSocket *socket);
    OutgoingPeer *createOutgoing(const PeerAddress &peer);
    void deliver(NodeId peer, const QByteArray &frame, const Message &message, quint64 traceId);
    bool sendsTo(NodeId peer) const { return !m_blocked.contains(peer) && !m_outgoingBlocked.contains(peer); }

    Options m_options;
    QTcpServer *m_server = nullptr;
    std::map<NodeId, OutgoingPeer *> m_outgoing;
    std::set<InboundConnection *> m_pendingInbound;
    std::map<NodeId, InboundConnection *> m_peerInbound;
    int m_maxPendingConnections = 0;
    int m_refusedSinceWarning = 0;
    QElapsedTimer m_sinceCapWarning;
    std::set<NodeId> m_blocked;
    std::set<NodeId> m_outgoingBlocked;
    NetworkFaults m_faults;
    Random m_random;
    std::uint32_t m_nextSequence = 1;
};

} // namespace raftlab
