#pragma once

#include "entry.h"
#include "event.h"

namespace raftlab {

class RaftCore;

// A broken invariant is a programmer error: stop the process with context (STYLE.md, "Errors").
[[noreturn]] void reportBrokenInvariant(NodeId node, const char *what);

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
    };

    static Facts capture(const RaftCore &core);
    // nullptr when every invariant holds between `before` and the core's state now, otherwise which broke.
    static const char *check(const Facts &before, const RaftCore &core);
};

} // namespace raftlab
