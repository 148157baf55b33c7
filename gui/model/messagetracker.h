#pragma once

#include "ringbuffer.h"
#include "streamevent.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>

#include <array>
#include <map>
#include <set>
#include <unordered_map>
#include <vector>

namespace raftlab {

enum class MessageOutcome : std::uint8_t {
    InFlight, // sent, not yet received or dropped
    Delivered, // the receiver's `recv`
    Dropped, // a `drop` at either end (cut link, injected loss, full queue)
    Lost, // never arrives: its receiver (or sender) died, or no recv or drop came within the lifetime
};

// One Raft message between its `send` and its `recv` or `drop`, matched by the trace id they share.
struct TrackedMessage
{
    qint64 id = 0;
    MessageType type = MessageType::AppendEntries;
    NodeId from{};
    NodeId to{};
    Term term{};
    bool isResponse = false;
    bool succeeded = true; // a response's granted/success; true for requests
    LogIndex prevIndex{}; // AppendEntries
    int entryCount = 0; // AppendEntries
    LogIndex commitIndex{}; // AppendEntries, Heartbeat
    qint64 sentUs = 0;
    qint64 endedUs = -1; // recv, drop or expiry time; -1 while in flight
    MessageOutcome outcome = MessageOutcome::InFlight;
    QString dropReason{}; // "partitioned", "loss", "unreachable", "queue_full"; Lost: "receiver down",
                          // "sender down"
};

// Traffic on one directed link over the recent past, for drawing a rate instead of every dot.
struct LinkTraffic
{
    NodeId from{};
    NodeId to{};
    quint64 sent = 0;
    quint64 delivered = 0;
    quint64 dropped = 0;
    quint64 untracked = 0; // sends left out of the in-flight sample (the link was at its quota)
    qint64 lastDropUs = -1;
    // Above `sampledPerLinkPerSecond`, only sends whose id is a multiple of the stride are tracked.
    quint32 sampleStride = 1;
    double sentPerSecond = 0.0; // over the last second, updated by MessageTracker::refreshRates()
    double droppedPerSecond = 0.0;

    static constexpr int bucketCount = 10; // of 100 ms
    std::array<qint64, bucketCount> bucketEpoch{};
    std::array<quint32, bucketCount> bucketSent{};
    std::array<quint32, bucketCount> bucketDropped{};
};

// Matches every `send` to its `recv` or `drop` and keeps what is in flight, bounded: at most
// `maxInFlight` messages, at most `maxInFlightPerLink` per directed link (so under heavy load each link
// keeps a representative sample and the counters in LinkTraffic carry the rest). Votes, TimeoutNow and
// snapshots are always sampled while there is room. Finished messages go to a ring, so a view can still
// show a delivery or a drop that happened between two frames.
class MessageTracker
{
    Q_DECLARE_TR_FUNCTIONS(MessageTracker)

public:
    struct Limits
    {
        std::size_t maxInFlight = 4096;
        std::size_t maxInFlightPerLink = 48;
        std::size_t maxFinished = 2048;
        std::size_t maxEarlyReceipts = 1024;
        double sampledPerLinkPerSecond = 200.0;
        qint64 lifetimeUs = 10'000'000; // then an unanswered send counts as lost
    };

    MessageTracker();
    explicit MessageTracker(Limits limits);

    void foldSend(const QJsonObject &event);
    void foldRecv(const QJsonObject &event);
    void foldDrop(const QJsonObject &event);
    void rememberEarlyReceipt(const QJsonObject &event, const LinkTraffic &link, MessageOutcome outcome,
                              qint64 atUs, const QString &reason);
    // Retires sends older than the lifetime and refreshes the link rates at `nowUs`.
    void expire(qint64 nowUs);
    void refreshRates(qint64 nowUs);
    // A node restarted: the trace ids of its previous life may be reused, so forget its sends.
    void forgetSendsFrom(NodeId node, qint64 beforeUs);
    // A node's process died (or its stream ended): what is in flight to or from it is lost at `atUs`,
    // and so is every message sent to it until it is up again (its `state` arrived).
    void setNodeDown(NodeId node, bool down, qint64 atUs);
    bool isNodeDown(NodeId node) const { return m_downNodes.contains(node); }
    // The node's stream starts at `atUs` (its first `state`): what was sent to it before and is still
    // in flight arrived, or not, while nobody watched. Its fate is unknown, so it leaves without a
    // burst (Lost with no reason) instead of waiting out the lifetime at the receiver's door.
    void settleUnseenSendsTo(NodeId node, qint64 atUs);
    void clear();

    const std::vector<TrackedMessage> &inFlight() const { return m_inFlight; }
    const RingBuffer<TrackedMessage> &finished() const { return m_finished; }
    const std::map<std::pair<NodeId, NodeId>, LinkTraffic> &links() const { return m_links; }
    const LinkTraffic *link(NodeId from, NodeId to) const;
    quint64 sentCount() const { return m_sent; }
    quint64 untrackedCount() const { return m_untracked; }
    quint64 unmatchedCount() const { return m_unmatched; } // a recv or drop whose send was never seen
    const Limits &limits() const { return m_limits; }

private:
    bool isSampled(qint64 id, MessageType type, const LinkTraffic &link) const;
    void finish(std::size_t slot, MessageOutcome outcome, qint64 atUs, const QString &reason);
    void recordFinished(TrackedMessage message);
    LinkTraffic &linkOf(NodeId from, NodeId to);
    static void countInBucket(LinkTraffic &link, qint64 atUs, bool isDrop);

    struct EarlyReceipt
    {
        qint64 id = 0;
        qint64 atUs = 0;
        MessageOutcome outcome = MessageOutcome::Delivered;
        QString reason{};
    };

    Limits m_limits;
    std::vector<TrackedMessage> m_inFlight; // unordered: removal swaps with the last
    std::unordered_map<qint64, std::size_t> m_slotById;
    std::map<std::pair<NodeId, NodeId>, std::size_t> m_inFlightPerLink;
    RingBuffer<TrackedMessage> m_finished;
    // A recv or drop folded before its send (two streams, two sockets): matched when the send arrives.
    std::unordered_map<qint64, EarlyReceipt> m_earlyReceipts;
    std::map<std::pair<NodeId, NodeId>, LinkTraffic> m_links;
    std::set<NodeId> m_downNodes;
    quint64 m_sent = 0;
    quint64 m_untracked = 0;
    quint64 m_unmatched = 0;
};

} // namespace raftlab
