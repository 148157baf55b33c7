#include "config.h"

#include <algorithm>
#include <set>

namespace raftlab {

const char *CoreConfig::problem() const
{
    if (id.isNone())
        return "node id 0 is reserved for 'nobody'";
    if (std::set<NodeId>(members.begin(), members.end()).size() != members.size())
        return "a member is listed twice";
    if (std::any_of(members.begin(), members.end(), [](NodeId m) { return m.isNone(); }))
        return "member id 0 is reserved";
    if (heartbeatTicks < 1)
        return "the heartbeat interval must be at least one tick";
    if (electionTimeoutTicksMin <= heartbeatTicks)
        return "the election timeout must be longer than the heartbeat interval";
    if (electionTimeoutTicksMax <= electionTimeoutTicksMin)
        return "the election timeout range must not be empty";
    if (maxInflightAppends < 1 || maxEntriesPerAppend < 1 || snapshotChunkBytes < 1)
        return "batching limits must be positive";
    return nullptr;
}

} // namespace raftlab
