#pragma once

// What a real node says of itself (GET /status through its NodeClient), for GUI tests that check that
// a click reached the node: its blocked peers, timers, protocol options.

#include "cluster/nodeclient.h"

#include <QJsonArray>
#include <QSignalSpy>

#include <algorithm>

namespace raftlab::testing {

// The node's /status, or an empty object when it did not answer within `deadlineMs`.
inline QJsonObject statusOf(NodeClient *client, int deadlineMs)
{
    if (!client)
        return {};
    QSignalSpy received(client, &NodeClient::statusReceived);
    client->refreshStatus();
    if (!received.wait(deadlineMs))
        return {};
    return received.first().first().toJsonObject();
}

// A JSON array of node ids (e.g. "blocked_peers"), sorted.
inline QList<qint64> idsIn(const QJsonValue &array)
{
    QList<qint64> ids;
    for (const QJsonValue &value : array.toArray())
        ids.append(value.toInteger());
    std::sort(ids.begin(), ids.end());
    return ids;
}

} // namespace raftlab::testing
