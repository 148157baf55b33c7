#include "forgetfulvotedisk.h"

namespace raftlab::sim {

void ForgetfulVoteDisk::onRestart(NodeId node, SimDisk &disk)
{
    static_cast<void>(node);
    disk.hardState.votedFor = NodeId{};
}

} // namespace raftlab::sim
