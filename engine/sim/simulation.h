#pragma once

#include "adversary.h"
#include "safetychecker.h"
#include "simnetwork.h"
#include "simnode.h"

#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace raftlab::sim {

struct SimConfig
{
    int nodeCount = 3;
    CoreConfig core{}; // id and members are filled in per node
    NetworkFaults faults{};
    int snapshotIntervalEntries = 0; // 0: nodes never compact
    // Each Ready is handled right after the input that produced it with this probability; otherwise
    // later (up to `maxReadyDelayTicks`), so inputs pile up as they do behind a slow disk.
    double inlineReadyProbability = 1.0;
    // Chance that a Ready is persisted over 1..maxPersistTicks ticks while the core keeps taking input
    // (raftlab-node's log thread), instead of at once.
    double asyncPersistProbability = 0.0;
    int maxPersistTicks = 3;
    int maxReadyDelayTicks = 2;
    // Chance that handling a Ready is cut short by a crash (restarted by whoever drives the run).
    double crashInReadyProbability = 0.0;
    // A fault that breaks Raft from outside the cores, for showing that the checker catches it.
    AdversarialFault adversary = AdversarialFault::None;
};

// A client's view of its own requests, for tests to look at.
struct ClientStats
{
    int proposalsAccepted = 0;
    int writesAcknowledged = 0;
    int readsServed = 0;
};

// One deterministic world: N SimNodes over a SimNetwork, a clock that only moves when told, clients,
// and a SafetyChecker that looks at every node after every step (a delivered message, a tick of the
// cluster, a deferred Ready, a crash or a restart). Everything random comes from one seed.
class Simulation final : private SimObserver
{
public:
    Simulation(const SimConfig &config, std::uint64_t seed);
    ~Simulation() override;

    std::uint64_t seed() const { return m_seed; }
    SimTime now() const { return m_now; }
    std::uint64_t stepCount() const { return m_steps; }
    Random &random() { return m_random; }
    SimNetwork &network() { return m_network; }
    const SimNetwork &network() const { return m_network; }
    const SafetyChecker &checker() const { return m_checker; }
    int nodeCount() const { return static_cast<int>(m_nodes.size()); }
    std::vector<NodeId> nodeIds() const;
    SimNode &node(NodeId id) { return *m_nodes[id.value - 1]; }
    const SimConfig &config() const { return m_config; }

    bool failed() const { return m_checker.hasViolation(); }
    // "seed S, step N (tick T): <what broke>", or empty while nothing broke.
    QString failure() const;

    // --- time -----------------------------------------------------------------------------------
    // One tick: deliver what is due, handle deferred Readies, then tick every live node. Stops early
    // once a violation is found.
    void advance();
    void runTicks(int ticks);
    // Advances until `done()` or `maxTicks` pass; returns whether `done()` became true.
    bool runUntil(const std::function<bool()> &done, int maxTicks);

    // --- faults ---------------------------------------------------------------------------------
    void crash(NodeId id);
    void restart(NodeId id);
    // Crash every node at once, drop what is on the wire, restart them all.
    void restartAll();
    // A frozen process (SIGSTOP): no ticks, and what arrives waits in its socket buffer until it is
    // thawed, then is handled all at once, stale by then. Clients cannot reach it meanwhile.
    void freeze(NodeId id);
    void thaw(NodeId id);
    // The node's disk fails (SimNode::failDisk()): it stays up but leaves the protocol.
    void failDisk(NodeId id);
    bool isFrozen(NodeId id) const { return m_frozen[id.value - 1]; }
    int crashCount() const { return m_crashes; }

    // --- who leads ------------------------------------------------------------------------------
    // The live leader of the highest term, if any.
    std::optional<NodeId> leader() const;
    // True when exactly one live node leads and every other live node follows it in its term.
    bool hasStableLeader() const;
    Term highestTerm() const;

    // --- clients --------------------------------------------------------------------------------
    // Proposes "set key value" at `at`; the write counts as acknowledged once `at` applies it.
    ProposeResult propose(NodeId at, const QByteArray &key);
    // Proposes at the current leader, if there is one; the index it got otherwise nothing.
    std::optional<LogIndex> proposeToLeader(const QByteArray &key);
    // A ReadIndex read of `key` at `at`; false if `at` refused it (not leader).
    bool read(NodeId at, const QByteArray &key);
    // Leadership transfer or an immediate campaign, as an input step.
    TransferResult transferLeadership(NodeId at, NodeId target);
    void campaignNow(NodeId at);
    // Applied by every live node (and so committed).
    bool isAppliedEverywhere(LogIndex index) const;
    int countApplied(LogIndex index) const;
    const ClientStats &clientStats() const { return m_clientStats; }
    // The payload of the last accepted proposal, and whether its proposer has applied it.
    const QByteArray &lastProposal() const { return m_lastProposal; }
    bool isAcknowledged(const QByteArray &payload) const;
    void setCrashInReadyProbability(double probability) { m_config.crashInReadyProbability = probability; }
    // The value `at` has for `key`, its writer's index included.
    KvStateMachine::Value valueAt(NodeId at, const QByteArray &key) const;
    // --- membership ---------------------------------------------------------------------------
    // Starts a fresh node with the next id. With no `bootstrapMembers` it is in no configuration (as a
    // node started to join): it waits for a leader to add it and never campaigns meanwhile. Other
    // members model a node started with the wrong cluster file (for showing that the checker catches it).
    NodeId addNode(const std::vector<NodeId> &bootstrapMembers = {});
    // A configuration change proposed at `at`, as an input step.
    MembershipChangeResult changeMembership(NodeId at, const MembershipChange &change);
    // The configuration the cluster works in: the leader's (voters and learners), or every node while
    // there is no leader. Liveness (a stable leader, an entry applied everywhere) is judged over it:
    // removed nodes may keep running but are no longer expected to follow.
    std::vector<NodeId> members() const;

    // One line per node: role, term, leader, log and commit positions, applied index, disk.
    QString describeNodes() const;
    // Called at the end of every step, after the checker: tests use it to act at an exact moment.
    void setStepHook(std::function<void()> hook) { m_stepHook = std::move(hook); }

private:
    // SimObserver
    void hardStatePersisted(NodeId node, const HardState &previous, const HardState &now) override;
    void messageSent(const Message &message) override;
    void entryApplied(NodeId node, const Entry &entry, std::uint64_t digestAfter) override;
    void snapshotRestored(NodeId node, const Snapshot &snapshot) override;
    void readServed(NodeId node, std::uint64_t requestId, LogIndex readIndex,
                    const KvStateMachine::Value &value) override;
    void contractBroken(NodeId node, const QString &what) override;
    void eventsEmitted(const Events &events) override;

    // After an input to `node`: handle its Ready now or later.
    void afterInput(SimNode &node);
    void finishPersist(SimNode &node);
    void handleReadies(SimNode &node);
    void endStep();
    void deliver(const Message &message);
    void startNode(CoreConfig core);

    SimConfig m_config;
    std::uint64_t m_seed;
    Random m_random;
    SimNetwork m_network;
    SafetyChecker m_checker;
    std::unique_ptr<Adversary> m_adversary; // nullptr: none
    std::vector<std::unique_ptr<SimNode>> m_nodes;
    std::vector<std::optional<SimTime>> m_readyDueAt;
    std::vector<std::optional<SimTime>>
        m_persistDoneAt; // a Ready on its way to disk // by node index: a deferred Ready
    std::vector<std::optional<SimTime>> m_restartAt; // by node index: after a crash inside a Ready
    std::vector<bool> m_frozen; // by node index
    std::vector<std::vector<Message>> m_backlog; // by node index: what arrived while frozen
    static constexpr std::size_t maxBacklog = 5000;
    SimTime m_now = 0;
    std::uint64_t m_steps = 0;
    int m_crashes = 0;
    std::function<void()> m_stepHook;
    bool m_trace = false; // RAFTLAB_SIM_TRACE=1: print every event and delivery

    // Client bookkeeping for the linearizability check.
    struct Proposal
    {
        NodeId proposer{};
        bool acknowledged = false;
    };
    struct ReadRequest
    {
        QByteArray key{};
        LogIndex acknowledgedIndex{};
        LogIndex keyWrittenAt{};
    };
    std::map<QByteArray, Proposal> m_proposals;
    std::map<std::uint64_t, ReadRequest> m_reads;
    std::map<QByteArray, LogIndex> m_acknowledgedByKey;
    LogIndex m_acknowledgedIndex{};
    QByteArray m_lastProposal;
    std::uint64_t m_nextValue = 0;
    std::uint64_t m_nextRequestId = 0;
    ClientStats m_clientStats;
};

} // namespace raftlab::sim
