#pragma once

// Reading one event of a node's /events stream (docs/http-api.md; engine/http/eventjson.cpp): its kind and
// typed fields. The stream is JSON, so a missing or null field reads as "none" rather than failing.

#include "core/event.h"
#include "core/message.h"
#include "core/types.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace raftlab {

// Every `type` the stream carries; Other for types this GUI does not know yet (they are narrated only).
enum class StreamEventKind : std::uint8_t {
    State,
    Role,
    Term,
    Timer,
    Timeout,
    VoteRequest,
    Vote,
    VoteReceived,
    Send,
    Recv,
    Drop,
    Append,
    AppendAccepted,
    AppendRejected,
    Truncate,
    Commit,
    Apply,
    Snapshot,
    Heartbeat,
    Transfer,
    ReadRejected,
    Faults, // the node's blocked peers, delay/loss and timers changed (an admin route)
    Other,
};

StreamEventKind streamEventKind(const QJsonObject &event);
bool isMessageEvent(StreamEventKind kind);

namespace eventfield {

qint64 integer(const QJsonObject &event, QLatin1StringView key, qint64 fallback = 0);
NodeId nodeId(const QJsonObject &event, QLatin1StringView key); // NodeId{} when null or absent
Term term(const QJsonObject &event, QLatin1StringView key = QLatin1StringView("term"));
LogIndex index(const QJsonObject &event, QLatin1StringView key);
bool boolean(const QJsonObject &event, QLatin1StringView key, bool fallback = false);
QString string(const QJsonObject &event, QLatin1StringView key);
qint64 timeUs(const QJsonObject &event); // t_us
NodeId node(const QJsonObject &event); // the node that published it

} // namespace eventfield

std::optional<Role> roleFromString(const QString &name);
std::optional<MessageType> messageTypeFromString(const QString &name);
QString roleName(Role role);
QString messageTypeName(MessageType type);

} // namespace raftlab
