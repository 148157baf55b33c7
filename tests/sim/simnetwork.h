#pragma once

#include "core/message.h"
#include "core/random.h"

#include <cstdint>
#include <map>
#include <queue>
#include <set>
#include <vector>

namespace raftlab::sim {

// Virtual time: the simulation advances in whole ticks, the unit RaftCore's timers count in.
using SimTime = std::int64_t;

// How the simulated wire treats every message, unless a link has its own drop rate.
struct NetworkFaults
{
    int delayTicks = 1; // every message takes at least this long
    int jitterTicks = 2; // plus a uniform [0, jitter] extra: messages overtake each other
    double lossProbability = 0.0;
    double duplicateProbability = 0.0;
    // Now and then a message is held up for long (a retransmission after a stall): it arrives up to
    // `longDelayTicks` late, long after newer ones, possibly terms later.
    double longDelayProbability = 0.0;
    int longDelayTicks = 0;
};

// A seeded, lossy, reordering network between simulated nodes, after etcd's raft_test.go `network`:
// `cut`, `isolate`, `drop(from, to, p)`, `recover`; plus partitions into groups. Faults that concern
// links (cuts, partitions) are judged when a message would arrive, so cutting a link also loses what
// was on the wire. No sockets, no threads: `deliverDue()` hands back what arrives at a given time.
class SimNetwork
{
public:
    explicit SimNetwork(std::uint64_t seed)
        : m_random(seed)
    { }

    void setFaults(const NetworkFaults &faults) { m_faults = faults; }
    const NetworkFaults &faults() const { return m_faults; }

    // Queues `message` for delivery after the configured delay (or loses or duplicates it).
    void send(const Message &message, SimTime now);
    // Every message due at or before `now` whose link is up, in delivery order; lost ones are dropped.
    std::vector<Message> deliverDue(SimTime now);
    bool hasMessageDueBy(SimTime time) const { return !m_inFlight.empty() && m_inFlight.top().at <= time; }
    std::size_t inFlightCount() const { return m_inFlight.size(); }
    // Forgets everything on the wire (used when the whole cluster restarts).
    void clearInFlight() { m_inFlight = {}; }

    // --- links ------------------------------------------------------------------------------
    void cut(NodeId from, NodeId to) { m_cutLinks.insert({from, to}); }
    void restore(NodeId from, NodeId to) { m_cutLinks.erase({from, to}); }
    // The node can neither send nor receive (symmetric).
    void isolate(NodeId node);
    // Nodes in different groups cannot talk; nodes named in no group form one more group together.
    void partition(const std::vector<std::vector<NodeId>> &groups);
    // Undo partitions and isolation (cuts and drop rates stay).
    void heal();
    void drop(NodeId from, NodeId to, double probability) { m_linkLoss[{from, to}] = probability; }
    // A slow link: every message from `from` to `to` takes `extraTicks` longer (the fault filter's delay).
    void slow(NodeId from, NodeId to, int extraTicks) { m_linkDelay[{from, to}] = extraTicks; }
    // etcd's recover(): every link works again and the per-link drop rates and delays are gone.
    void recover();
    bool canReach(NodeId from, NodeId to) const;

    // --- statistics -------------------------------------------------------------------------
    std::uint64_t sentCount() const { return m_sentCount; }
    std::uint64_t sentCount(MessageType type) const;
    void resetStatistics();

private:
    struct InFlight
    {
        SimTime at = 0;
        std::uint64_t order = 0; // random tie-breaker among messages due at the same tick
        Message message{};
        bool operator>(const InFlight &other) const
        {
            return at != other.at ? at > other.at : order > other.order;
        }
    };

    // Bounded: a flood beyond this is lost, as a full socket buffer would lose it.
    static constexpr std::size_t maxInFlight = 20000;

    void enqueue(const Message &message, SimTime now);

    Random m_random;
    NetworkFaults m_faults;
    std::priority_queue<InFlight, std::vector<InFlight>, std::greater<>> m_inFlight;
    std::set<std::pair<NodeId, NodeId>> m_cutLinks;
    std::map<std::pair<NodeId, NodeId>, double> m_linkLoss;
    std::map<std::pair<NodeId, NodeId>, int> m_linkDelay;
    std::map<NodeId, int> m_group; // absent: group 0
    std::uint64_t m_sentCount = 0;
    std::map<MessageType, std::uint64_t> m_sentByType;
};

} // namespace raftlab::sim
