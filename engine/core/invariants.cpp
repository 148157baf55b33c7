#include "invariants.h"

#include "raftcore.h"

#include <cstdio>
#include <cstdlib>

namespace raftlab {

void reportBrokenInvariant(NodeId node, const char *what)
{
    std::fprintf(stderr, "raftlab.core: node %u: broken invariant: %s\n", node.value, what);
    std::abort();
}

Invariants::Facts Invariants::capture(const RaftCore &core)
{
    return Facts{core.term(),
                 core.votedFor(),
                 core.role(),
                 core.leader(),
                 core.log().commitIndex(),
                 core.log().lastIndex(),
                 core.log().snapshot().meta};
}

const char *Invariants::check(const Facts &before, const RaftCore &core)
{
    const Facts now = capture(core);
    if (now.term < before.term)
        return "currentTerm decreased";
    if (now.term == before.term && !before.votedFor.isNone() && now.votedFor != before.votedFor)
        return "the vote changed within a term";
    if (now.commitIndex < before.commitIndex)
        return "the commit index decreased";
    if (now.snapshot.index < before.snapshot.index)
        return "the snapshot went backwards";
    if (now.role == Role::Leader && (now.leader != core.id() || now.votedFor != core.id()))
        return "a leader that did not vote for itself or does not know it leads";
    if (now.role == Role::Candidate && now.votedFor != core.id())
        return "a candidate that did not vote for itself";
    if (before.role == Role::Leader && now.role == Role::Leader && now.term != before.term)
        return "a leader changed term without stepping down";
    if ((now.role == Role::Candidate || now.role == Role::PreCandidate) && !now.leader.isNone())
        return "a candidate that knows a leader of its term";
    if (const char *problem = core.log().check())
        return problem;
    return nullptr;
}

} // namespace raftlab
