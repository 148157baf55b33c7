#pragma once

#include "adversary.h"

namespace raftlab::sim {

// A network that rewrites every RequestVote and PreVote to claim a last entry newer than any voter's:
// from the voter's view the candidate is always up to date, as if §5.4.1's check were skipped ("the voter
// denies its vote if its own log is more up-to-date than that of the candidate"). A candidate that lacks
// committed entries can then win, and Leader Completeness breaks.
class CandidateLogInflater final : public Adversary
{
public:
    void onSend(Message &message, const RaftCore &sender) override;
};

} // namespace raftlab::sim
