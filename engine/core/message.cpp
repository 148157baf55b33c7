#include "message.h"

namespace raftlab {

std::string_view toString(MessageType type)
{
    switch (type) {
    case MessageType::PreVote:
        return "PreVote";
    case MessageType::PreVoteResponse:
        return "PreVoteResponse";
    case MessageType::RequestVote:
        return "RequestVote";
    case MessageType::RequestVoteResponse:
        return "RequestVoteResponse";
    case MessageType::AppendEntries:
        return "AppendEntries";
    case MessageType::AppendEntriesResponse:
        return "AppendEntriesResponse";
    case MessageType::Heartbeat:
        return "Heartbeat";
    case MessageType::HeartbeatResponse:
        return "HeartbeatResponse";
    case MessageType::InstallSnapshot:
        return "InstallSnapshot";
    case MessageType::InstallSnapshotResponse:
        return "InstallSnapshotResponse";
    case MessageType::TimeoutNow:
        return "TimeoutNow";
    }
    return "Unknown";
}

bool isResponse(MessageType type)
{
    switch (type) {
    case MessageType::PreVoteResponse:
    case MessageType::RequestVoteResponse:
    case MessageType::AppendEntriesResponse:
    case MessageType::HeartbeatResponse:
    case MessageType::InstallSnapshotResponse:
        return true;
    default:
        return false;
    }
}

std::size_t Message::approximateSize() const
{
    constexpr std::size_t header = 64; // the fixed fields, roughly, as CBOR
    constexpr std::size_t perEntry = 24;
    std::size_t size = header + static_cast<std::size_t>(snapshotChunk.size());
    for (const Entry &entry : entries)
        size += perEntry + static_cast<std::size_t>(entry.payload.size());
    return size;
}

} // namespace raftlab
