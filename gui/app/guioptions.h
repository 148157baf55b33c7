#pragma once

#include "node/nodeoptions.h"

#include <QString>

#include <cstdint>
#include <optional>

namespace raftlab {

// What `raftlab` was asked to do (docs/cli.md).
struct GuiOptions
{
    static constexpr int defaultNodeCount = 5;
    static constexpr int maxNodeCount = 9;

    // Without a window: play a scenario, or run the chaos nemesis, on real nodes and exit with a verdict.
    enum class Headless { No, Scenario, Chaos, Simulate };
    static constexpr int defaultChaosClients = 4;
    static constexpr int maxChaosClients = 64;

    int nodeCount = defaultNodeCount;
    bool nodeCountGiven = false; // --nodes was typed: it overrides a scenario's own count
    QString workspaceDir; // empty: a fresh temporary workspace
    QString attachFile; // non-empty: show nodes someone else runs instead of spawning
    bool projector = false; // --projector: the window opens in projector mode
    bool presentation = false; // --presentation: the ring alone, full screen (projector mode too)
    Headless headless = Headless::No;
    QString scenarioFile;
    int chaosSeconds = 0; // --chaos SECONDS
    std::optional<quint64> seed; // --seed S; none: chaos picks a random one (printed), a simulation 1
    int chaosClients = defaultChaosClients;
    QString historyFile; // --history FILE: the client history, JSON Lines
    // --simulate: the step-by-step simulator without a window (engine/sim/headlesssimulation.h).
    std::optional<std::uint64_t> simulationSteps;
    std::optional<qint64> simulationVirtualMs;
    QString traceFile;
    QString sabotage;
};

using GuiCommandLine = CommandLine<GuiOptions>;

// Pure: no QApplication needed, nothing printed. `arguments` includes argv[0].
GuiCommandLine parseGuiCommandLine(const QStringList &arguments);

// The files and directories the options name, checked before anything starts, so that a path the user
// typed wrong stops the program at once with one sentence (exit 2), not after a whole run: the
// cluster file of --attach must load, the --workspace directory must be creatable and writable, and
// the --history file writable (it is created, empty, now). Empty when all is well.
QString checkGuiPaths(const GuiOptions &options);

} // namespace raftlab
