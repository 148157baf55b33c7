#pragma once

#include "sim/simulation.h"

#include <QString>

#include <functional>
#include <optional>
#include <set>

namespace raftlab::sim {

// The harness of MIT 6.824/6.5840's Raft labs (config.go), over the simulator: servers numbered from
// 0, `connect`/`disconnect` a server from all others, `crash`/`start` it, `checkOneLeader`,
// `nCommitted`, `one`. Its time is virtual: one tick stands for 10 ms (raftlab-node's default tick),
// so the tester's one-second election allowance is 100 ticks. Checks record the first failure
// instead of aborting, so a test can print it with the seed.
// Runs `scenario` over `seeds` seeds (scaled by RAFTLAB_SIM_SEEDS, or just the one RAFTLAB_SEED names)
// and returns the first failure with its replay hint, or empty.
QString forSeeds(std::uint64_t base, int seeds, const std::function<QString(std::uint64_t)> &scenario);

class RaftTester
{
public:
    static constexpr int ticksPerSecond = 100;
    static constexpr int electionAllowanceTicks = ticksPerSecond; // 6.824's RaftElectionTimeout (1 s)

    // Heartbeat 100 ms (the labs' limit of ten per second), election timeout 300-600 ms; reliable:
    // 1-3 ticks per message; unreliable: 10% loss, 5% duplicates, up to 10 ticks of jitter.
    static SimConfig labConfig(int servers, bool reliable);

    RaftTester(const SimConfig &config, std::uint64_t seed);

    Simulation &simulation() { return m_simulation; }
    int servers() const { return m_simulation.nodeCount(); }
    static NodeId idOf(int server) { return NodeId(static_cast<std::uint32_t>(server + 1)); }
    SimNode &node(int server) { return m_simulation.node(idOf(server)); }

    bool failed() const { return m_failure.has_value() || m_simulation.failed(); }
    // The first failure, with the seed, the tick and the nodes' state.
    QString failure() const;
    void fail(const QString &what);

    // --- the world --------------------------------------------------------------------------
    void disconnect(int server);
    void connect(int server);
    bool isConnected(int server) const { return !m_disconnected.contains(server); }
    void crash(int server);
    void start(int server);
    void sleepTicks(int ticks) { m_simulation.runTicks(ticks); }
    void setReliable(bool reliable);

    // --- checks ---------------------------------------------------------------------------------
    // Waits (up to ten rounds of ~half a second) for one leader among the connected live servers;
    // two leaders of one term fail. The server, or nullopt (and a failure).
    std::optional<int> checkOneLeader();
    // The term every connected live server agrees on (a failure if they disagree).
    std::optional<Term> checkTerms();
    // No connected live server believes it leads (a failure otherwise).
    void checkNoLeader();
    // How many live servers applied `index` (the checker already ensures they agree on it).
    int nCommitted(LogIndex index) const;
    // Connected live servers that believe they lead.
    int connectedLeaderCount();
    // Requests sent so far, as 6.824 counts RPCs (a request and its reply are one).
    std::uint64_t requestsSent() const;

    struct Started
    {
        bool isLeader = false;
        LogIndex index{};
        Term term{};
        QByteArray command{};
    };
    // 6.824's Start(): proposes a fresh command at `server`.
    Started startCommand(int server);
    // 6.824's one(): proposes at whichever connected server leads until the command is applied by at
    // least `expectedServers` within 10 s (virtual); with `retry`, a lost proposal is tried again.
    std::optional<LogIndex> one(int expectedServers, bool retry);
    // Waits for `index` to be applied by at least `servers` servers; false on timeout.
    bool waitCommitted(LogIndex index, int servers, int maxTicks);
    // Whether the command a Start() proposed was applied (at the index it was given).
    bool wasApplied(const Started &started) const;

private:
    void applyConnectivity();

    Simulation m_simulation;
    std::set<int> m_disconnected;
    std::optional<QString> m_failure;
};

} // namespace raftlab::sim
