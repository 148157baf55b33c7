#include "invariants.h"

#include "raftcore.h"

#include <cstdio>
#include <cstdlib>

namespace raftlab {

void reportBrokenInvariant(NodeId node, const char *rule, const char *detail)
{
    if (detail)
        std::fprintf(stderr, "raftlab.core: node %u: broken invariant: %s (%s)\n", node.value, rule, detail);
    else
        std::fprintf(stderr, "raftlab.core: node %u: broken invariant: %s\n", node.value, rule);
    std::abort();
}

Invariants::Facts Invariants::capture(const RaftCore &core)
{
    Facts facts{core.term(),
                core.votedFor(),
                core.role(),
                core.leader(),
                core.log().commitIndex(),
                core.log().lastIndex(),
                core.log().snapshot().meta,
                core.isHalted(),
                {}};
    if (core.role() == Role::Leader) {
        facts.matches.reserve(core.progress().size());
        for (const auto &[id, progress] : core.progress())
            facts.matches.emplace_back(id, progress.match());
    }
    return facts;
}

const char *Invariants::checkProgress(const Facts &before, const RaftCore &core)
{
    if (core.role() != Role::Leader)
        return core.progress().empty() ? nullptr : "a node that does not lead tracks followers' progress";
    for (const auto &[id, progress] : core.progress()) {
        if (const char *problem = progress.check(core.log().lastIndex(), core.config().maxInflightAppends))
            return problem;
    }
    if (before.role != Role::Leader || before.term != core.term())
        return nullptr;
    for (const auto &[id, match] : before.matches) {
        const auto found = core.progress().find(id);
        if (found != core.progress().end() && found->second.match() < match)
            return "a follower's matchIndex decreased within the leader's term";
    }
    return nullptr;
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
    if (before.halted &&
        (!now.halted || now.term != before.term || now.votedFor != before.votedFor ||
         now.lastIndex != before.lastIndex || now.commitIndex != before.commitIndex))
        return "a halted node changed its state";
    if (now.halted && (now.role != Role::Follower || !now.leader.isNone()))
        return "a halted node that leads, campaigns or follows a leader";
    if (const char *problem = checkProgress(before, core))
        return problem;
    if (const char *problem = core.log().check())
        return problem;
    return nullptr;
}

} // namespace raftlab
