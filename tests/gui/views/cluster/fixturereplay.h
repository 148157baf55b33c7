#pragma once

// Replays tests/gui/fixtures/three_nodes.jsonl into a ClusterModel with a clock that follows the
// recording (the loader of tests/gui/tst_clustermodel.cpp), plus helpers to make synthetic events.
// The fixture's story: node 3 wins term 1; writes; node 3 is cut off (a stale leader) while node 1 wins
// term 2; the cut heals; node 1 is killed; node 2 wins term 3; node 1 restarts; more writes.

#include "model/clustermodel.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <functional>
#include <limits>

namespace raftlab::testing {

using namespace Qt::StringLiterals;

struct FixtureLine
{
    qint64 tUs = 0;
    QJsonObject event{};
    QString directive{}; // "disconnected" or "fault" for "# T_US directive ARGUMENT" lines
    QString argument{};
};

inline std::vector<FixtureLine> loadFixture()
{
    const QString path = QStringLiteral(RAFTLAB_FIXTURE_DIR "/three_nodes.jsonl");
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open the fixture %s", qPrintable(path));
    std::vector<FixtureLine> lines;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty())
            continue;
        if (line.startsWith('#')) {
            const QStringList words = QString::fromUtf8(line.mid(1)).trimmed().split(u' ');
            lines.push_back(FixtureLine{.tUs = words.value(0).toLongLong(),
                                        .directive = words.value(1),
                                        .argument = words.mid(2).join(u' ')});
            continue;
        }
        const QJsonObject event = QJsonDocument::fromJson(line).object();
        lines.push_back(FixtureLine{.tUs = event.value("t_us"_L1).toInteger(), .event = event});
    }
    return lines;
}

inline bool isEvent(const QJsonObject &event, const char *type, std::uint32_t node)
{
    return event.value("type"_L1).toString() == QLatin1StringView(type) &&
        event.value("node"_L1).toInteger() == node;
}

class Replay
{
public:
    explicit Replay(ClusterModel &model)
        : m_model(model)
        , m_lines(loadFixture())
    {
        model.setClock([this] { return m_nowUs; });
    }

    const std::vector<FixtureLine> &lines() const { return m_lines; }

    // The first event the predicate accepts.
    QJsonObject find(const std::function<bool(const QJsonObject &)> &predicate) const
    {
        for (const FixtureLine &line : m_lines)
            if (line.directive.isEmpty() && predicate(line.event))
                return line.event;
        qFatal("no such event in the fixture");
    }

    void foldThrough(qint64 tUs)
    {
        for (; m_next < m_lines.size() && m_lines[m_next].tUs <= tUs; ++m_next)
            feed(m_lines[m_next]);
        m_model.foldPending();
    }

    // Every line up to and including the first event the predicate accepts, then one frame.
    void foldThroughEvent(const std::function<bool(const QJsonObject &)> &predicate)
    {
        bool found = false;
        for (; m_next < m_lines.size() && !found; ++m_next) {
            feed(m_lines[m_next]);
            found = m_lines[m_next].directive.isEmpty() && predicate(m_lines[m_next].event);
        }
        m_model.foldPending();
    }

    void foldAll() { foldThrough(std::numeric_limits<qint64>::max()); }
    void setNow(qint64 tUs) { m_nowUs = tUs; }
    qint64 now() const { return m_nowUs; }

private:
    void feed(const FixtureLine &line)
    {
        m_nowUs = std::max(m_nowUs, line.tUs);
        if (line.directive == "disconnected"_L1)
            m_model.setNodeConnected(NodeId(line.argument.toUInt()), false);
        else if (line.directive == "fault"_L1)
            m_model.addFaultMarker(line.argument, line.tUs);
        else
            m_model.ingest(line.event);
    }

    ClusterModel &m_model;
    std::vector<FixtureLine> m_lines;
    std::size_t m_next = 0;
    qint64 m_nowUs = 0;
};

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

} // namespace raftlab::testing
