#pragma once

#include <QString>

#include <optional>

namespace raftlab {

// The load generator's figures since its last start (gui/cluster/loadgenerator.h), as the client panel
// shows them.
// The bounds of a load run, shared by the generator and the panel's controls.
struct LoadLimits
{
    static constexpr int maxRatePerSecond = 500;
    static constexpr int defaultMaxInFlight = 64;
    static constexpr int defaultRatePerSecond = 100;
    static constexpr int defaultKeyCount = 100;
};

struct LoadStatistics
{
    quint64 sent = 0;
    quint64 committed = 0;
    quint64 failed = 0; // answered with an error, or no answer in time (the outcome is unknown then)
    quint64 noTarget = 0; // sends skipped: no node reachable
    int inFlight = 0; // of all runs
    int peakInFlight = 0;
    qint64 meanLatencyUs = 0; // of the committed writes
    std::optional<qint64> lastIndex; // where the latest committed write landed
    std::optional<qint64> lastTerm;
    QString lastFailure; // one sentence about the latest failed write
    qint64 elapsedMs = 0;
    int maxInFlight = LoadLimits::defaultMaxInFlight; // the bound in force
};

} // namespace raftlab
