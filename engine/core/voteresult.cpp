#include "voteresult.h"

#include <algorithm>
#include <functional>

namespace raftlab {

bool VoteTally::record(NodeId voter, bool granted)
{
    return m_answers.emplace(voter, granted).second;
}

int VoteTally::granted() const
{
    return static_cast<int>(
        std::count_if(m_answers.begin(), m_answers.end(), [](const auto &a) { return a.second; }));
}

int VoteTally::refused() const
{
    return static_cast<int>(m_answers.size()) - granted();
}

std::optional<bool> VoteTally::answerOf(NodeId voter) const
{
    const auto found = m_answers.find(voter);
    if (found == m_answers.end())
        return std::nullopt;
    return found->second;
}

VoteResult VoteTally::result(const std::vector<NodeId> &voters) const
{
    int yes = 0;
    int no = 0;
    for (NodeId voter : voters) {
        const auto answer = answerOf(voter);
        if (answer)
            (*answer ? yes : no) += 1;
    }
    const int majority = majorityOf(static_cast<int>(voters.size()));
    if (yes >= majority)
        return VoteResult::Won;
    if (no > static_cast<int>(voters.size()) - majority)
        return VoteResult::Lost;
    return VoteResult::Pending;
}

LogIndex quorumMatchIndex(std::vector<LogIndex> &matchIndexes)
{
    if (matchIndexes.empty())
        return LogIndex{}; // no voters: nothing is held by a majority
    const auto majority = static_cast<std::size_t>(majorityOf(static_cast<int>(matchIndexes.size())));
    // The majority-th largest value: that many voters hold at least this index.
    std::nth_element(matchIndexes.begin(), matchIndexes.begin() + static_cast<std::ptrdiff_t>(majority - 1),
                     matchIndexes.end(), std::greater<>());
    return matchIndexes[majority - 1];
}

} // namespace raftlab
