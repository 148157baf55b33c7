#include "adversary.h"

#include "candidateloginflater.h"
#include "forgetfulvotedisk.h"
#include "leadercommitinflater.h"

namespace raftlab::sim {

const char *toString(AdversarialFault fault)
{
    switch (fault) {
    case AdversarialFault::None:
        return "none";
    case AdversarialFault::ForgetVoteOnRestart:
        return "forget-vote-on-restart";
    case AdversarialFault::InflateCandidateLog:
        return "inflate-candidate-log";
    case AdversarialFault::CommitOldTermEntries:
        return "commit-old-term-entries";
    }
    return "unknown";
}

std::unique_ptr<Adversary> makeAdversary(AdversarialFault fault)
{
    switch (fault) {
    case AdversarialFault::None:
        return nullptr;
    case AdversarialFault::ForgetVoteOnRestart:
        return std::make_unique<ForgetfulVoteDisk>();
    case AdversarialFault::InflateCandidateLog:
        return std::make_unique<CandidateLogInflater>();
    case AdversarialFault::CommitOldTermEntries:
        return std::make_unique<LeaderCommitInflater>();
    }
    return nullptr;
}

} // namespace raftlab::sim
