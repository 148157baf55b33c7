#pragma once

#include "types.h"

#include <map>
#include <optional>
#include <vector>

namespace raftlab {

enum class VoteResult { Pending, Won, Lost };

// The answers a candidate (or pre-candidate) has had. The first answer of each voter counts: a duplicated
// or replayed message cannot be counted twice.
class VoteTally
{
public:
    void reset() { m_answers.clear(); }
    // Returns false if this voter had already answered.
    bool record(NodeId voter, bool granted);
    int granted() const;
    int refused() const;
    bool hasAnswered(NodeId voter) const { return m_answers.contains(voter); }
    std::optional<bool> answerOf(NodeId voter) const;
    // Won once a majority of `voters` granted; Lost once a majority can no longer be reached.
    VoteResult result(const std::vector<NodeId> &voters) const;

private:
    std::map<NodeId, bool> m_answers;
};

// The size of a majority of `memberCount` voters.
constexpr int majorityOf(int memberCount)
{
    return memberCount / 2 + 1;
}

// The highest index that a majority holds, given every voter's match index (the leader's own included).
// Raft §5.3/§5.4: the candidate for the commit index; the caller checks its term.
// Reorders `matchIndexes`. Index 0 for an empty list.
LogIndex quorumMatchIndex(std::vector<LogIndex> &matchIndexes);

} // namespace raftlab
