#pragma once

// The event feed's sentences, written by the app from each event's fields rather than taken from the
// node's own `text`: one place decides the words, so that the same fact is always said the same way
// ("Node 3 asks for pre-votes for term 4 (it is in term 3)", then "Node 2 refused node 3's pre-vote
// request for term 4: …"), and each sentence says exactly what the event records. A pre-vote is asked
// for the next term while the asker stays in its own: every pre-vote sentence names both.

#include "nodestate.h"

#include <QJsonObject>
#include <QString>

#include <functional>

namespace raftlab {

class Sentences
{
public:
    // The sentence for one event that `state` (its node, already folded with the event) published;
    // empty for an event the feed does not narrate (message traffic, timers, appends and applies).
    static QString describe(StreamEventKind kind, const QJsonObject &event, const NodeState &state);

    // A node's stream is up (its `state` event), or closed, or its process exited.
    static QString connected(const NodeState &state);
    static QString streamClosed(NodeId node);

    // "1.0 s", "150 ms": a heartbeat interval or a timeout as a student reads it.
    static QString duration(int milliseconds);
    static QString nodeList(const std::vector<NodeId> &nodes); // "node 3", "nodes 1, 2 and 4"
    // "follower", "pre-candidate", "candidate", "leader": a role as the feed, the ring and the logs name it.
    static QString role(Role role);
};

} // namespace raftlab
