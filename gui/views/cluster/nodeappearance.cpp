#include "nodeappearance.h"

#include "ringlayout.h"

#include "model/sentences.h"

#include <algorithm>

#include <QObject>

namespace raftlab {

Liveness livenessOf(const NodeState *state, std::optional<ProcessState> process)
{
    using Process = ProcessState;
    if (process) {
        switch (*process) {
        case Process::Killed:
            return Liveness::Killed;
        case Process::Exited:
            return Liveness::Exited;
        case Process::Frozen:
            return Liveness::Frozen;
        case Process::Starting:
            return Liveness::Starting;
        case Process::Running:
        case Process::External:
            break;
        }
    }
    return state && state->connected ? Liveness::Running : Liveness::NoContact;
}

QString livenessLabel(Liveness liveness)
{
    switch (liveness) {
    case Liveness::Running:
        return {};
    case Liveness::Starting:
        return QObject::tr("starting…");
    case Liveness::Frozen:
        return QObject::tr("frozen");
    case Liveness::Killed:
        return QObject::tr("killed");
    case Liveness::Exited:
        return QObject::tr("exited");
    case Liveness::NoContact:
        return QObject::tr("no contact");
    }
    return {};
}

QString roleLabel(Role role)
{
    return Sentences::role(role);
}

QString roleTag(const NodeAppearance &appearance)
{
    if (!appearance.hasStatus || appearance.liveness == Liveness::Killed ||
        appearance.liveness == Liveness::Exited)
        return {};
    if (appearance.role == Role::Leader)
        return roleLabel(Role::Leader).toUpper();
    if (appearance.learner && appearance.role == Role::Follower)
        return QObject::tr("learner");
    return roleLabel(appearance.role);
}

NodeAppearance appearanceOf(NodeId id, const NodeState *state, std::optional<ProcessState> process,
                            const RingLayout &layout)
{
    NodeAppearance appearance{.id = id, .liveness = livenessOf(state, process)};
    if (!state || !state->hasStatus)
        return appearance;
    appearance.hasStatus = true;
    appearance.role = state->role;
    appearance.term = state->term;
    appearance.learner =
        std::find(state->learners.begin(), state->learners.end(), id) != state->learners.end() ||
        (state->members.empty() && state->learners.empty());
    const bool alive = appearance.liveness != Liveness::Killed && appearance.liveness != Liveness::Exited;
    appearance.hasElectionTimer = appearance.liveness == Liveness::Running && state->role != Role::Leader;
    if (state->isCampaigning() && alive) {
        appearance.campaigning = true;
        appearance.preVote = state->role == Role::PreCandidate;
        appearance.votesGranted = state->votes.count(VoteAnswer::Granted);
        appearance.votesNeeded = int(state->members.size() / 2 + 1);
        for (const NodeId member : state->members) {
            if (member == id)
                continue;
            const auto answer = state->votes.answers.find(member);
            appearance.voteMarks.push_back(VoteMark{
                .angleDegrees = layout.angleDegrees(id, member),
                .answer = answer == state->votes.answers.end() ? VoteAnswer::Awaited : answer->second});
        }
    }
    return appearance;
}

} // namespace raftlab
