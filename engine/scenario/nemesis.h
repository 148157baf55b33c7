#pragma once

// The chaos nemesis as a scenario: a seeded schedule of faults (kill -9 and restart, freeze and thaw,
// random partitions, isolated nodes, one-way cuts of single links (A no longer reaches B while B still
// reaches A), delay and loss) that a ScenarioRunner plays like any lesson, so a
// chaos run shows in the app's feed and charts exactly as clicks would, and the same seed gives the same
// schedule. The schedule ends healed: every node running, thawed and connected, the network clean, a
// leader elected and the committed logs agreeing.
//
// At most a minority of the nodes is down (killed or frozen) at any moment, so the cluster can keep
// committing between faults and the clients' operations overlap with every kind of fault.

#include "scenario.h"

#include <cstdint>

namespace raftlab::scenario {

struct NemesisOptions
{
    std::uint64_t seed = 1;
    int seconds = 30; // how long faults keep coming
    int nodes = 5;
    int minFaultGapMs = 500; // between two faults
    int maxFaultGapMs = 2500;
};

Scenario nemesisScenario(const NemesisOptions &options);

} // namespace raftlab::scenario
