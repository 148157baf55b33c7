#include "leadercommitinflater.h"

#include "core/voteresult.h"

#include <algorithm>

namespace raftlab::sim {

void LeaderCommitInflater::onSend(Message &message, const RaftCore &sender)
{
    const bool carriesCommit =
        message.type == MessageType::AppendEntries || message.type == MessageType::Heartbeat;
    if (!carriesCommit || sender.role() != Role::Leader || message.term != sender.term())
        return;
    // The leader's own log counts once durable, as in RaftCore::maybeCommit(); the term check is left out.
    m_matches.clear();
    m_matches.push_back(sender.log().durableIndex());
    for (const auto &[id, progress] : sender.progress())
        m_matches.push_back(progress.match());
    LogIndex inflated = quorumMatchIndex(m_matches);
    if (message.type == MessageType::Heartbeat) {
        // A heartbeat never tells a follower more than it is known to hold (its log is not checked).
        const auto follower = sender.progress().find(message.to);
        if (follower == sender.progress().end())
            return;
        inflated = std::min(inflated, follower->second.match());
    }
    message.commitIndex = std::max(message.commitIndex, inflated);
}

} // namespace raftlab::sim
