#pragma once

// `raftlab --headless --simulate`: a simulated cluster run without a window, for scripts, the test
// suite and the simulation-only lessons. Prints what it did on stdout; the trace file, when asked for,
// holds every event as one JSON object per line (the objects of a node's /events, t_us in virtual time),
// byte-identical for the same seed, nodes and scenario.

#include "simulatedcluster.h"

#include "scenario/scenario.h"

#include <QString>

#include <cstdint>
#include <optional>

namespace raftlab::sim {

struct HeadlessSimulationOptions
{
    int nodes = 5;
    bool nodesGiven = false; // --nodes overrides a scenario's own count
    std::uint64_t seed = 1;
    std::optional<std::uint64_t> steps; // run this many steps (after the scenario, if any)
    std::optional<qint64> virtualMs; // or let this much virtual time pass
    QString scenarioFile; // empty: none
    QString traceFile; // empty: no trace
    QString sabotage; // empty: honest cores; else an AdversarialFault's name, for showing the checker at work
};

// The simulated cluster a lesson plays on: its node count, protocol options, timing and how many entries
// an AppendEntries carries, as its file says (the rest the simulator's defaults). Headless and in the app.
SimulatedClusterConfig configForLesson(const scenario::Scenario &lesson);

// The exit status: 0 when safety held (and every expectation of the scenario), 1 at the first invariant
// violation (named on stderr) or a failed expectation, 2 for a bad scenario or an unwritable trace file.
int runHeadlessSimulation(const HeadlessSimulationOptions &options);

} // namespace raftlab::sim
