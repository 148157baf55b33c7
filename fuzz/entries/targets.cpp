#include "fuzzentries.h"

#include <array>

namespace raftlab::fuzz {

std::span<const Target> targets()
{
    static constexpr std::array<Target, 6> all{{
        {"frame_decoder", frameDecoder},
        {"message_decoder", messageDecoder},
        {"log_recovery", logRecovery},
        {"snapshot_decoder", snapshotDecoder},
        {"cluster_config", clusterConfig},
        {"http_request", httpRequest},
    }};
    return all;
}

} // namespace raftlab::fuzz
