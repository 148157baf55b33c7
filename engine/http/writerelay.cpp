#include "writerelay.h"

#include "net/tcptransport.h"
#include "node/looppass.h"

#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>

namespace raftlab {

namespace {

// The outcome's status on the wire: fixed numbers, whatever the order of WriteOutcome::Status.
using Status = WriteOutcome::Status;
constexpr Status wireStatuses[] = {
    Status::Applied,      Status::CompareFailed, Status::NotLeader,     Status::Busy,
    Status::NotCommitted, Status::Unknown,       Status::StorageFailed, Status::StorageFailedInFlight,
};
static_assert(std::size(wireStatuses) <= maxRelayStatus + 1);

std::uint8_t toWire(Status status)
{
    const auto found = std::find(std::begin(wireStatuses), std::end(wireStatuses), status);
    Q_ASSERT(found != std::end(wireStatuses)); // a new status needs a number above
    return static_cast<std::uint8_t>(found - std::begin(wireStatuses));
}

// The commands of one frame of relayed writes: well below a connection's frame limit (64 MiB), values
// being up to 1 MiB.
constexpr qsizetype maxBatchBytes = 4 << 20;
constexpr int sweepIntervalMs = 500;

} // namespace

WriteRelay::WriteRelay(RaftNode *node, TcpTransport *transport, QObject *parent)
    : QObject(parent)
    , m_node(node)
    , m_transport(transport)
    , m_sweepTimer(new QTimer(this))
{
    // Ids start at random: a leader may still send outcomes for the writes of this node's previous
    // process, which counted from the same start, and must not answer this one's writes with them.
    m_nextId = QRandomGenerator::system()->generate64();
    m_clock.start();
    m_flushPass = new LoopPass(this, [this] { flush(); });
    m_sweepTimer->setInterval(sweepIntervalMs);
    connect(m_sweepTimer, &QTimer::timeout, this, &WriteRelay::sweep);
    connect(m_transport, &TcpTransport::relayReceived, this, &WriteRelay::onFrame);
    connect(m_transport, &TcpTransport::peerConnectionChanged, this, &WriteRelay::onPeerConnection);
    connect(m_transport, &TcpTransport::connectionFromPeerClosed, this, [this](NodeId peer) {
        onPeerConnection(peer, false); // the outcomes it owed us were coming on that connection
    });
}

WriteRelay::~WriteRelay() = default;

bool WriteRelay::canRelayTo(NodeId leader) const
{
    return leader != m_node->id() && m_transport->canRelayTo(leader);
}

void WriteRelay::relay(NodeId leader, const QByteArray &command, int timeoutMs, Done done)
{
    const std::uint64_t id = m_nextId++;
    m_inFlight.emplace(id, InFlight{leader, m_clock.elapsed() + timeoutMs, false, std::move(done)});
    m_writesToSend[leader].push_back(RelayedWrite{id, command});
    if (!m_sweepTimer->isActive())
        m_sweepTimer->start();
    scheduleFlush();
}

void WriteRelay::scheduleFlush()
{
    // After everything this pass of the loop reads: the writes of many clients leave in one frame.
    m_flushPass->request();
}

void WriteRelay::flush()
{
    auto writes = std::move(m_writesToSend);
    m_writesToSend.clear();
    auto outcomes = std::move(m_outcomesToSend);
    m_outcomesToSend.clear();
    // Outcomes first: a peer waits on them, and they need nothing back. One that cannot leave is given up:
    // the peer answers its client when the connection closes, or at its deadline, that the write may
    // have applied.
    for (const auto &[peer, batch] : outcomes)
        m_transport->sendRelayFrame(peer, encodeRelayedOutcomesFrame(batch));
    std::vector<std::uint64_t> notSent;
    for (const auto &[leader, batch] : writes) {
        // In frames of up to maxBatchBytes of commands, well inside a connection's frame limit.
        for (auto first = batch.begin(); first != batch.end();) {
            auto last = first;
            qsizetype bytes = 0;
            while (last != batch.end() && (last == first || bytes + last->command.size() <= maxBatchBytes))
                bytes += (last++)->command.size();
            const std::span<const RelayedWrite> frame(first, last);
            const bool sent = m_transport->sendRelayFrame(leader, encodeRelayedWritesFrame(frame));
            if (sent)
                m_relayedTotal += frame.size();
            for (const RelayedWrite &write : frame) {
                if (!sent)
                    notSent.push_back(write.id);
                else if (const auto found = m_inFlight.find(write.id); found != m_inFlight.end())
                    found->second.sent = true;
            }
            first = last;
        }
    }
    if (!notSent.empty()) {
        std::sort(notSent.begin(), notSent.end());
        fail([&notSent](std::uint64_t id,
                        const InFlight &) { return std::binary_search(notSent.begin(), notSent.end(), id); },
             Result::Delivery::NotSent);
    }
}

void WriteRelay::onFrame(NodeId peer, const RelayFrame &frame)
{
    if (frame.kind == RelayFrame::Kind::Writes)
        serve(peer, frame.writes);
    else
        takeOutcomes(peer, frame.outcomes);
}

void WriteRelay::serve(NodeId peer, const std::vector<RelayedWrite> &writes)
{
    for (const RelayedWrite &write : writes) {
        if (m_node->role() == Role::Leader)
            Q_EMIT proposedForPeer();
        // As for a write of this node's own client: NotLeader when it does not lead (the peer then
        // answers its client that this node is not the leader, as it would after a forward over HTTP).
        m_node->write(write.command, [this, peer, id = write.id](const WriteOutcome &outcome) {
            RelayedOutcome wire{
                id, toWire(outcome.status), outcome.index.value, outcome.term.value, outcome.leader.value,
                {}};
            if (outcome.status == Status::StorageFailed || outcome.status == Status::StorageFailedInFlight)
                wire.reason = m_node->storageFailure();
            m_outcomesToSend[peer].push_back(std::move(wire));
            scheduleFlush();
        });
    }
}

void WriteRelay::takeOutcomes(NodeId peer, const std::vector<RelayedOutcome> &outcomes)
{
    for (const RelayedOutcome &wire : outcomes) {
        const auto found = m_inFlight.find(wire.id);
        // An outcome for a write answered meanwhile (its deadline passed), or from a node it was not sent
        // to, answers nothing.
        if (found == m_inFlight.end() || found->second.leader != peer || !found->second.sent)
            continue;
        Result result;
        if (wire.status < std::size(wireStatuses)) {
            result.outcome.status = wireStatuses[wire.status];
        } else { // a status this node does not know: what became of the write is not known
            result.delivery = Result::Delivery::Lost;
        }
        result.outcome.index = LogIndex(wire.index);
        result.outcome.term = Term(wire.term);
        result.outcome.leader = NodeId(wire.leader);
        result.reason = wire.reason;
        const Done done = std::move(found->second.done);
        m_inFlight.erase(found);
        done(result);
    }
    if (m_inFlight.empty())
        m_sweepTimer->stop();
}

void WriteRelay::onPeerConnection(NodeId peer, bool connected)
{
    if (connected)
        return;
    // One of our two connections with it closed: what was sent may have reached it, and its outcome, if
    // any, would come on its connection, reopened or not, which this side does not wait for.
    fail([peer](std::uint64_t, const InFlight &write) { return write.leader == peer && write.sent; },
         Result::Delivery::Lost);
}

void WriteRelay::sweep()
{
    const qint64 now = m_clock.elapsed();
    fail([now](std::uint64_t, const InFlight &write) { return write.sent && write.deadlineMs <= now; },
         Result::Delivery::Lost);
    if (m_inFlight.empty())
        m_sweepTimer->stop();
}

void WriteRelay::fail(const std::function<bool(std::uint64_t, const InFlight &)> &failed,
                      Result::Delivery delivery)
{
    // Taken out first: a `done` may relay again (a write that never left waits for the next leader).
    std::vector<Done> dones;
    for (auto it = m_inFlight.begin(); it != m_inFlight.end();) {
        if (failed(it->first, it->second)) {
            dones.push_back(std::move(it->second.done));
            it = m_inFlight.erase(it);
        } else {
            ++it;
        }
    }
    Result result;
    result.delivery = delivery;
    for (const Done &done : dones)
        done(result);
}

} // namespace raftlab
