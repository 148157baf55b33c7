#pragma once

#include "sim/simulation.h"

#include <QString>

#include <optional>

namespace raftlab::sim {

// A random schedule drawn from one seed: cluster size, core settings, network faults, partitions,
// crashes and restarts, proposals, reads, transfers and snapshots, all at random times.
struct ChaosOptions
{
    int nodeCount = 0; // 0: 3, 5 or 7, drawn from the seed
    AdversarialFault adversary = AdversarialFault::None;
    int chaosTicks = 600; // how long faults are injected
    bool checkLiveness = true; // afterwards: heal, and require a leader and new commits everywhere
    // Figure 8 churn (6.824's TestFigure8): per tick, the chance that the current leader crashes; it comes
    // back soon. Leaders then rarely finish replicating, which is where old-term entries matter.
    double leaderCrashProbability = 0.0;
    double crashProbability = 0.006; // per tick, that some node crashes
    std::optional<double> crashInReadyProbability{}; // overrides the drawn value
    // Per tick, the chance that the leader is asked to add a fresh node or remove a member (itself
    // included), keeping 3 to 7 members. Removed nodes keep running. Such runs always have PreVote or
    // CheckQuorum: without either, a node removed while cut off campaigns forever and disrupts the rest
    // (thesis §4.2.3), which is Raft's known behaviour, not a bug to find.
    double membershipChangeProbability = 0.0;
};

struct ChaosResult
{
    QString failure{}; // empty when safety and liveness held
    int nodeCount = 0;
    std::uint64_t steps = 0;
    ClientStats clients{};
    Term finalTerm{};
    std::uint64_t snapshotChunksSent = 0;
    int crashes = 0;
    int membershipChanges = 0; // accepted by a leader
    int finalMembers = 0; // the configuration's size at the end
};

// Heals every link and fault, restarts every crashed node, then requires a stable leader and three new
// proposals applied on every node within a bounded time. Empty if live, else what got stuck.
QString healAndCheckLiveness(Simulation &simulation);

// Figure 8 churn, after 6.824's TestFigure8 / TestFigure8Unreliable: for `rounds` rounds, propose at
// every node, let a little time pass (sometimes half an election timeout), crash the leader, and
// restart a random node whenever fewer than a majority are up. Returns the failure, or empty.
struct Figure8Options
{
    int rounds = 1000;
    bool unreliable = false; // 10% loss, duplication, long jitter
    AdversarialFault adversary = AdversarialFault::None;
    bool checkLiveness = true;
};
QString runFigure8Churn(std::uint64_t seed, const Figure8Options &options);

class ChaosRun
{
public:
    ChaosRun(std::uint64_t seed, const ChaosOptions &options);
    ChaosResult run();

    // The configuration a seed draws, exposed so a failing seed can be described.
    static SimConfig drawConfig(Random &random, const ChaosOptions &options);

private:
    void injectFaults();
    void changeNetwork();
    void crashOrRestart();
    void actAsClient();
    void changeMembership();

    std::uint64_t m_seed;
    ChaosOptions m_options;
    Random m_random;
    Simulation m_simulation;
    std::vector<std::optional<SimTime>> m_restartAt;
    std::vector<std::optional<SimTime>> m_thawAt;
    int m_membershipChanges = 0;
    std::optional<NodeId> m_spare; // added to the simulation, refused by the leader: in no configuration
};

} // namespace raftlab::sim
