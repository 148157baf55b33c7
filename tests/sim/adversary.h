#pragma once

#include "simnode.h"

#include <memory>

namespace raftlab::sim {

// Adversarial faults: ways to break Raft's assumptions from outside a correct core, as a lying disk or a
// lying network would. The safety checker must catch each of them (tst_checker proves it does), which
// shows it can catch the protocol bugs they stand for; the cores themselves stay free of test branches.
enum class AdversarialFault {
    None,
    ForgetVoteOnRestart, // the disk loses the persisted vote: a restarted node may vote twice in a term
    InflateCandidateLog, // RequestVote/PreVote claim an up-to-date log: voters skip §5.4.1's check
    CommitOldTermEntries, // a leader's commit index counts replicas of old-term entries (Figure 8)
};

const char *toString(AdversarialFault fault);

// One fault, hooked into the simulation where it acts.
class Adversary
{
public:
    virtual ~Adversary() = default;

    // `message` is on its way from `sender` to the network: the fault may rewrite it.
    virtual void onSend(Message &message, const RaftCore &sender)
    {
        static_cast<void>(message);
        static_cast<void>(sender);
    }
    // `node` is about to start from `disk`: the fault may damage what the disk holds.
    virtual void onRestart(NodeId node, SimDisk &disk)
    {
        static_cast<void>(node);
        static_cast<void>(disk);
    }
};

// nullptr for AdversarialFault::None.
std::unique_ptr<Adversary> makeAdversary(AdversarialFault fault);

} // namespace raftlab::sim
