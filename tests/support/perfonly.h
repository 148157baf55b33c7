#pragma once

// Speed claims (a paint within a frame, a leader within seconds) depend on the machine as much as on
// the code, so they never decide whether a change may go in: each lives in a test function of its own
// that starts with RAFTLAB_PERF_ONLY() and skips, except in the perf run (`ctest -L perf`, which sets
// RAFTLAB_PERF=1; tests/CMakeLists.txt, raftlab_add_perf_run).

#include <QTest>

#define RAFTLAB_PERF_ONLY()                                                                                  \
    do {                                                                                                     \
        if (!qEnvironmentVariableIsSet("RAFTLAB_PERF"))                                                      \
            QSKIP("a speed claim: `ctest --test-dir build/dev -L perf` runs it");                            \
    } while (false)
