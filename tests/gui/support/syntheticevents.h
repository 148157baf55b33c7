#pragma once

// Synthetic events in the /events stream's format (docs/http-api.md; engine/http/eventjson.cpp), for GUI
// tests that need a situation the recorded fixture does not have (a partition as a node reports it,
// thousands of messages, 100,000 log entries).

#include "model/nodestate.h"

#include <QJsonArray>
#include <QJsonObject>

#include <vector>

namespace raftlab::testing {

using namespace Qt::StringLiterals;

inline QJsonArray idArray(const std::vector<NodeId> &ids)
{
    QJsonArray array;
    for (const NodeId id : ids)
        array.append(qint64(id.value));
    return array;
}

// A `state` event (what a node sends first on every subscription) for a node in `role` at `term`.
inline QJsonObject stateEvent(std::uint32_t node, qint64 tUs, const char *role, std::uint64_t term,
                              const std::vector<NodeId> &members, const std::vector<NodeId> &blocked = {},
                              std::uint32_t leader = 0)
{
    return QJsonObject{
        {"type"_L1, "state"_L1},
        {"node"_L1, qint64(node)},
        {"id"_L1, qint64(node)},
        {"t_us"_L1, tUs},
        {"role"_L1, QLatin1StringView(role)},
        {"term"_L1, qint64(term)},
        {"leader_id"_L1, leader ? QJsonValue(qint64(leader)) : QJsonValue()},
        {"members"_L1, idArray(members)},
        {"blocked_peers"_L1, idArray(blocked)},
        {"heartbeat_ms"_L1, 150},
        {"election_timeout_ms"_L1, QJsonArray{1500, 2500}},
        {"election_elapsed_ms"_L1, 100},
        {"election_deadline_ms"_L1, QLatin1StringView(role) == "leader"_L1 ? 0 : 2000},
    };
}

// The same node's current state as a `state` event, with other blocked peers (a partition as the
// node reports it on its next subscription).
inline QJsonObject stateWithBlocked(const NodeState &state, qint64 tUs, const std::vector<NodeId> &blocked)
{
    QJsonObject event = stateEvent(state.id.value, tUs, "follower", state.term.value, state.members, blocked,
                                   state.leader.value);
    event["role"_L1] = state.role == Role::Leader ? "leader"_L1
        : state.role == Role::Candidate           ? "candidate"_L1
        : state.role == Role::PreCandidate        ? "precandidate"_L1
                                                  : "follower"_L1;
    if (state.role == Role::Leader)
        event["election_deadline_ms"_L1] = 0;
    return event;
}

inline QJsonObject sendEvent(qint64 id, std::uint32_t from, std::uint32_t to, const char *type, qint64 tUs,
                             bool response = false, bool success = true)
{
    return QJsonObject{{"type"_L1, "send"_L1},
                       {"node"_L1, qint64(from)},
                       {"from"_L1, qint64(from)},
                       {"to"_L1, qint64(to)},
                       {"id"_L1, id},
                       {"msg"_L1, QLatin1StringView(type)},
                       {"term"_L1, 1},
                       {"t_us"_L1, tUs},
                       {"response"_L1, response},
                       {"success"_L1, success},
                       {"granted"_L1, success}};
}

inline QJsonObject receiptEvent(const QJsonObject &send, qint64 tUs, const char *kind = "recv")
{
    QJsonObject event = send;
    event["type"_L1] = QLatin1StringView(kind);
    event["node"_L1] = kind == QByteArrayView("recv") ? send.value("to"_L1) : send.value("from"_L1);
    event["t_us"_L1] = tUs;
    if (kind != QByteArrayView("recv"))
        event["reason"_L1] = "partitioned"_L1;
    return event;
}

inline QJsonObject appendEvent(std::uint32_t node, qint64 tUs, std::uint64_t first, const QJsonArray &entries)
{
    return QJsonObject{{"type"_L1, "append"_L1},
                       {"node"_L1, qint64(node)},
                       {"t_us"_L1, tUs},
                       {"term"_L1, entries.last().toObject().value("term"_L1)},
                       {"first"_L1, qint64(first)},
                       {"last"_L1, qint64(first) + entries.size() - 1},
                       {"entries"_L1, entries}};
}

inline QJsonArray entries(std::uint64_t first, std::uint64_t count, std::uint64_t term)
{
    QJsonArray array;
    for (std::uint64_t index = first; index < first + count; ++index)
        array.append(QJsonObject{{"index"_L1, qint64(index)},
                                 {"term"_L1, qint64(term)},
                                 {"command"_L1, u"put k%1=%2"_s.arg(index % 97).arg(index)}});
    return array;
}

inline QJsonObject commitEvent(std::uint32_t node, qint64 tUs, std::uint64_t index, std::uint64_t term)
{
    return QJsonObject{{"type"_L1, "commit"_L1},  {"node"_L1, qint64(node)},   {"t_us"_L1, tUs},
                       {"term"_L1, qint64(term)}, {"index"_L1, qint64(index)}, {"role"_L1, "follower"_L1}};
}

inline QJsonObject heartbeatEvent(std::uint32_t leader, qint64 tUs, std::uint64_t term)
{
    return QJsonObject{{"type"_L1, "heartbeat"_L1}, {"node"_L1, qint64(leader)},
                       {"term"_L1, qint64(term)},   {"t_us"_L1, tUs},
                       {"role"_L1, "leader"_L1},    {"read_round"_L1, 0}};
}

inline QJsonObject applyEvent(std::uint32_t node, qint64 tUs, std::uint64_t last, std::uint64_t term)
{
    return QJsonObject{{"type"_L1, "apply"_L1},   {"node"_L1, qint64(node)}, {"t_us"_L1, tUs},
                       {"term"_L1, qint64(term)}, {"first"_L1, 1},           {"last"_L1, qint64(last)}};
}

inline QJsonObject snapshotEvent(std::uint32_t node, qint64 tUs, std::uint64_t index, std::uint64_t term)
{
    return QJsonObject{{"type"_L1, "snapshot"_L1}, {"event"_L1, "compact"_L1}, {"node"_L1, qint64(node)},
                       {"t_us"_L1, tUs},           {"term"_L1, qint64(term)},  {"index"_L1, qint64(index)}};
}

} // namespace raftlab::testing
