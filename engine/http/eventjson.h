#pragma once

#include "core/event.h"
#include "core/message.h"
#include "net/networkfaults.h"

#include <QJsonObject>

namespace raftlab {

// A node id as JSON: the number, or null for "nobody" (no leader, no vote).
QJsonValue idOrNull(NodeId id);
// One of the core's names (toString of a role, message type, reason) as a QString.
QString textOf(std::string_view name);

// The JSON objects of the /events stream (docs/http-api.md). Each carries at least
// `type`, `node`, `term` and `t_us`; core decisions also carry `text`, the sentence the GUI narrates.
QJsonObject coreEventJson(const Event &event, qint64 timeUs);
QJsonObject messageEventJson(const char *type, NodeId node, const Message &message, quint64 traceId,
                             qint64 timeUs);
QJsonObject entriesJson(const Entries &entries);
// "put k=v" / "delete k" / "no-op": how a log cell shows an entry. Long values are shortened.
QString describeCommand(const Entry &entry);

} // namespace raftlab
