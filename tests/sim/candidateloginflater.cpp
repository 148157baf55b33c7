#include "candidateloginflater.h"

#include <algorithm>

namespace raftlab::sim {

void CandidateLogInflater::onSend(Message &message, const RaftCore &sender)
{
    static_cast<void>(sender);
    if (message.type != MessageType::RequestVote && message.type != MessageType::PreVote)
        return;
    // No voter holds an entry of a term above the one asked for, nor this many entries.
    message.lastLogTerm = std::max(message.lastLogTerm, message.term);
    message.lastLogIndex = std::max(message.lastLogIndex, LogIndex(std::uint64_t(1) << 48));
}

} // namespace raftlab::sim
