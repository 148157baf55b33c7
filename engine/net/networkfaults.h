#pragma once

#include "core/message.h"

#include <QLoggingCategory>

namespace raftlab {

// Faults the transport injects on this node's outgoing Raft messages (POST /admin/net).
struct NetworkFaults
{
    int delayMs = 0;
    int jitterMs = 0;
    double loss = 0; // probability 0..1 that a message is dropped

    bool isNone() const { return delayMs == 0 && jitterMs == 0 && loss == 0; }
};

// Why a message never reached the core of its destination.
enum class DropReason {
    Partitioned, // the link is cut (POST /admin/partition), at the sending or the receiving end
    Loss, // injected loss
    Unreachable, // no connection to the peer and its queue is full
    QueueFull, // the peer does not read fast enough: its bounded send queue is full
    Expired, // it waited longer than about an election timeout for a connection to the peer
};

const char *toString(DropReason reason);

Q_DECLARE_LOGGING_CATEGORY(lcNet) // "raftlab.net"

// Which way a message went, for events: sent by this node, or received by it.
enum class Direction { Outgoing, Incoming };

} // namespace raftlab
