#pragma once

// NodeAppearance: everything a NodeItem draws, computed once per model frame. Comparing it with the
// last one tells whether the node must repaint at all (most frames change nothing on most nodes).

#include "model/nodestate.h"
#include "model/processstate.h"

#include <QString>

#include <optional>
#include <vector>

namespace raftlab {

class RingLayout;

// The process as the student should read it; more than the supervisor's view, since an attached
// or just-restarted node may be running but not (yet) reachable.
enum class Liveness { Running, Starting, Frozen, Killed, Exited, NoContact };

struct VoteMark
{
    qreal angleDegrees = 0; // towards the voter (Qt convention: 0 = 3 o'clock, counter-clockwise)
    VoteAnswer answer = VoteAnswer::Awaited;
    bool operator==(const VoteMark &) const = default;
};

struct NodeAppearance
{
    NodeId id{};
    bool hasStatus = false; // nothing known beyond the id until its first `state` event
    Role role = Role::Follower;
    Term term{};
    Liveness liveness = Liveness::NoContact;
    bool hasElectionTimer = false; // a running follower or candidate: the timer's track is drawn
    // Receives the log but does not vote: added and not yet promoted, or started and not yet added (its
    // own configuration names it a learner, or names nobody).
    bool learner = false;
    // While it campaigns: one mark per other member, and the count.
    bool campaigning = false;
    bool preVote = false;
    int votesGranted = 0;
    int votesNeeded = 0;
    std::vector<VoteMark> voteMarks{};

    bool operator==(const NodeAppearance &) const = default;
};

Liveness livenessOf(const NodeState *state, std::optional<ProcessState> process);
QString livenessLabel(Liveness liveness); // empty for Running: nothing to point out
QString roleLabel(Role role); // "follower", "pre-candidate", "candidate", "leader"
// The tag under the node: "LEADER", the role, or "learner" for a follower that does not vote yet; empty
// when nothing is known or the process is gone.
QString roleTag(const NodeAppearance &appearance);

// What the NodeItem of `id` shows, from its folded state (nullptr when the model has none yet), the
// supervisor's word on its process, and the ring (vote marks point along the links).
NodeAppearance appearanceOf(NodeId id, const NodeState *state, std::optional<ProcessState> process,
                            const RingLayout &layout);

} // namespace raftlab
