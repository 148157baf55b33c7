#pragma once

#include "net/relaycodec.h"
#include "node/raftnode.h"

#include <QElapsedTimer>
#include <QObject>

#include <functional>
#include <map>
#include <unordered_map>
#include <vector>

class QTimer;

namespace raftlab {

class LoopPass;
class TcpTransport;

// Client writes a follower relays to the leader over the Raft connection between them (relaycodec.h),
// instead of a second HTTP exchange: the writes that arrive in one pass of the event loop leave in one
// frame, the leader proposes each as if its own client had sent it, and the outcomes (applied at index
// and term, compare failed, not committed, ...) come back in frames of their own. The follower answers
// its client from the outcome exactly as the leader would have.
//
// Both ends live in every node: the relaying side (relay()) and the serving side (writes that peers
// relay to this node). A relayed write is answered exactly once:
//   - Answered: the leader said what became of it;
//   - NotSent: it never left this node (no connection to the leader, or its buffer full), so the leader
//     never saw it and it may be tried again;
//   - Lost: a connection with the leader closed (either way: outcomes come back on the leader's), or no
//     outcome came in time, after it left: the leader may have proposed it, and it may still commit.
// A write is relayed only while both connections with the leader are open (canRelayTo()). Relay ids
// start at random in each process, so that outcomes a leader owes a node's previous process answer
// nothing here.
class WriteRelay final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WriteRelay)

public:
    struct Result
    {
        enum class Delivery { Answered, NotSent, Lost };
        Delivery delivery = Delivery::Answered;
        WriteOutcome outcome; // when Answered: as the leader's node reported it
        QString reason; // when Answered: the leader's words for a failed disk
    };
    using Done = std::function<void(const Result &)>;

    WriteRelay(RaftNode *node, TcpTransport *transport, QObject *parent = nullptr);
    ~WriteRelay() override;

    // Whether a write relayed to `leader` now would leave at once.
    bool canRelayTo(NodeId leader) const;
    // `done` runs exactly once, never before relay() returns; Lost at the latest `timeoutMs` after.
    void relay(NodeId leader, const QByteArray &command, int timeoutMs, Done done);
    // Writes that left for a leader (a write that could not leave and is relayed again counts once).
    quint64 relayedTotal() const { return m_relayedTotal; }

Q_SIGNALS:
    // This node proposed a write a peer relayed to it.
    void proposedForPeer();

private:
    struct InFlight
    {
        NodeId leader;
        qint64 deadlineMs = 0;
        bool sent = false; // false while it waits in m_writesToSend
        Done done;
    };
    void onFrame(NodeId peer, const RelayFrame &frame);
    void serve(NodeId peer, const std::vector<RelayedWrite> &writes);
    void takeOutcomes(NodeId peer, const std::vector<RelayedOutcome> &outcomes);
    void onPeerConnection(NodeId peer, bool connected);
    void scheduleFlush();
    void flush();
    void sweep();
    // Takes the writes that match `failed` out of the table, then reports them with `delivery`.
    void fail(const std::function<bool(std::uint64_t id, const InFlight &)> &failed,
              Result::Delivery delivery);

    RaftNode *m_node;
    TcpTransport *m_transport;
    std::unordered_map<std::uint64_t, InFlight> m_inFlight; // by relay id, from relay() to done
    std::map<NodeId, std::vector<RelayedWrite>> m_writesToSend; // until the end of this loop pass
    std::map<NodeId, std::vector<RelayedOutcome>> m_outcomesToSend;
    std::uint64_t m_nextId = 1;
    quint64 m_relayedTotal = 0;
    LoopPass *m_flushPass = nullptr; // flush(), once after each loop pass that relayed or answered something
    QElapsedTimer m_clock;
    QTimer *m_sweepTimer;
};

} // namespace raftlab
