#pragma once

#include "adversary.h"

namespace raftlab::sim {

// A leader that commits by counting replicas of entries of earlier terms — the mistake Figure 8 shows
// ("Raft never commits log entries from previous terms by counting replicas", §5.4.2) — seen from its
// followers: the commit index in its AppendEntries and heartbeats is raised to the highest index a
// majority holds, whatever that entry's term. Followers then apply an entry that a later leader may
// overwrite, and Leader Completeness and State Machine Safety break.
class LeaderCommitInflater final : public Adversary
{
public:
    void onSend(Message &message, const RaftCore &sender) override;

private:
    std::vector<LogIndex> m_matches; // scratch
};

} // namespace raftlab::sim
