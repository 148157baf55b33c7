#pragma once

#include "adversary.h"

namespace raftlab::sim {

// A disk that keeps the term but loses the vote across a restart, as a term/vote record written without
// the vote (or a vote never synced) would. A node that voted in a term, crashed and came back may then
// vote for another candidate in the same term: two leaders of one term (§5.2, "each server will vote for
// at most one candidate in a given term").
class ForgetfulVoteDisk final : public Adversary
{
public:
    void onRestart(NodeId node, SimDisk &disk) override;
};

} // namespace raftlab::sim
