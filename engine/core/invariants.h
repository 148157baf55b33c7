#pragma once

#include "entry.h"
#include "event.h"

#include <utility>
#include <vector>

namespace raftlab {

class RaftCore;

// A broken invariant is a programmer error: stop the process with context: which
// node, which rule, and optionally the values that broke it. Every check in engine/core ends here.
[[noreturn]] void reportBrokenInvariant(NodeId node, const char *rule, const char *detail = nullptr);

// A precondition checked in builds with assertions (as assert() is), reported like any broken invariant.
#ifdef NDEBUG
#define RAFTLAB_EXPECT(node, condition, rule) static_cast<void>(0)
#else
#define RAFTLAB_EXPECT(node, condition, rule)                                                                \
    ((condition) ? static_cast<void>(0) : ::raftlab::reportBrokenInvariant((node), (rule)))
#endif

// What one node's core must never do, checked between two moments of its life (LogCabin's
// RaftConsensusInvariants). RaftCore runs it after every input in builds with assertions; the
// simulator adds the cluster-wide checks (one leader per term, log matching, ...) on top.
class Invariants
{
public:
    struct Facts
    {
        Term term{};
        NodeId votedFor{};
        Role role = Role::Follower;
        NodeId leader{};
        LogIndex commitIndex{};
        LogIndex lastIndex{};
        SnapshotMeta snapshot{};
        bool halted = false;
        std::vector<std::pair<NodeId, LogIndex>> matches{}; // leader: each follower's matchIndex
    };

    static Facts capture(const RaftCore &core);
    // nullptr when every invariant holds between `before` and the core's state now, otherwise which broke.
    static const char *check(const Facts &before, const RaftCore &core);

private:
    // Progress (progress.h): each follower's own invariants, and matchIndex only grows within a term.
    static const char *checkProgress(const Facts &before, const RaftCore &core);
};

} // namespace raftlab
