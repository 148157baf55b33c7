#pragma once

// Random client histories that are linearizable by construction, and mutations that may break them.
//
// generate(): clients invoke operations one at a time each (a client waits for its answer before its next
// request), with random gaps and durations, so operations of different clients overlap. Each operation
// that takes effect does so at a random instant inside its interval (an unknown one: anywhere after its
// invocation, or never; a failed one: never), and its output is what a register shows at that instant.
// So the instants, in time order, are a valid linearization.

#include "check/history.h"
#include "core/random.h"

namespace raftlab::check::testing {

struct GeneratorConfig
{
    int clients = 3;
    int keys = 1;
    int operations = 6;
    int values = 3; // values are drawn from "0".."values-1": collisions make the histories interesting
    double unknownRate = 0.1;
    double failRate = 0.05;
    double casRate = 0.25;
    double deleteRate = 0.1;
    double getRate = 0.35;
    // The chance that a cas expects one of the last values written to its key, as a client doing a
    // read-modify-write would, rather than a value drawn at random.
    double casExpectsRecentRate = 0.0;
    qint64 maxGapUs = 10; // small times make ties (touching intervals) common
    qint64 maxDurationUs = 20;
};

History generateLinearizable(Random &random, const GeneratorConfig &config);

// Changes one thing in `history`: a read's value, a cas's verdict or expectation, an ok result into
// unknown or fail or back, an interval moved or stretched, two reads' values swapped. Returns what it did,
// for failure messages.
QString mutate(Random &random, History &history, int values);

} // namespace raftlab::check::testing
