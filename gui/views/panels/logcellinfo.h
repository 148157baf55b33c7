#pragma once

#include "model/clustermodel.h"

#include <QString>

#include <vector>

namespace raftlab {

// Questions about one index across the nodes' logs, for the logs view's highlight and its tooltips.

// True when two nodes hold entries of different terms at `index`: a conflict that Raft will resolve by
// overwriting the follower's entry (§5.3, Log Matching).
bool termsDisagreeAt(const ClusterModel &model, const std::vector<NodeId> &nodes, LogIndex index);

// The tooltip of a cell, in sentences: index, term, command, committed or not, and which nodes hold
// the same entry (and which hold another one there), and whether the node's own stream has reported it
// yet. Empty when the node holds nothing shown there.
QString describeLogCell(const ClusterModel &model, NodeId node, LogIndex index);

} // namespace raftlab
