#pragma once

// A synthetic busy 9-node cluster's event stream, frame by frame (bench_model and bench_views share it).
// See bench_model.cpp's header comment for its shape.
#include "model/clustermodel.h"

#include <QJsonArray>
#include <QJsonObject>

#include <vector>

namespace raftlab::bench {

using namespace Qt::StringLiterals;

constexpr qint64 frameUs = 33'333;

// Events of a busy cluster with node 1 leading, generated frame by frame on a synthetic clock.
class SyntheticCluster
{
public:
    SyntheticCluster(int nodeCount, double messagesPerSecond)
        : m_nodeCount(nodeCount)
        , m_roundUs(qint64(1e6 * 2 * (nodeCount - 1) / messagesPerSecond))
    { }

    qint64 nowUs() const { return m_nowUs; }

    // The status events that open every subscription.
    std::vector<QJsonObject> subscribe()
    {
        std::vector<QJsonObject> events;
        QJsonArray members;
        for (int n = 1; n <= m_nodeCount; ++n)
            members.append(n);
        for (int n = 1; n <= m_nodeCount; ++n)
            events.push_back(QJsonObject{{"type"_L1, "state"_L1},
                                         {"node"_L1, n},
                                         {"id"_L1, n},
                                         {"t_us"_L1, m_nowUs},
                                         {"role"_L1, n == 1 ? "leader"_L1 : "follower"_L1},
                                         {"term"_L1, m_term},
                                         {"voted_for"_L1, 1},
                                         {"leader_id"_L1, 1},
                                         {"commit_index"_L1, 0},
                                         {"last_applied"_L1, 0},
                                         {"last_log_index"_L1, 0},
                                         {"last_log_term"_L1, 0},
                                         {"first_log_index"_L1, 1},
                                         {"snapshot_index"_L1, 0},
                                         {"members"_L1, members},
                                         {"blocked_peers"_L1, QJsonArray()},
                                         {"heartbeat_ms"_L1, 50},
                                         {"election_timeout_ms"_L1, QJsonArray{150, 300}},
                                         {"election_elapsed_ms"_L1, 0},
                                         {"election_deadline_ms"_L1, 200},
                                         {"fsync"_L1, "always"_L1},
                                         {"prevote"_L1, true},
                                         {"check_quorum"_L1, true}});
        return events;
    }

    std::vector<QJsonObject> nextFrame()
    {
        std::vector<QJsonObject> events;
        const qint64 end = m_nowUs + frameUs;
        while (m_nextRoundUs < end) {
            round(events, m_nextRoundUs);
            m_nextRoundUs += m_roundUs;
        }
        m_nowUs = end;
        return events;
    }

private:
    QJsonObject core(const char *type, int node, qint64 tUs, const QString &text) const
    {
        return QJsonObject{{"type"_L1, QLatin1StringView(type)},
                           {"event"_L1, QLatin1StringView(type)},
                           {"node"_L1, node},
                           {"term"_L1, m_term},
                           {"t_us"_L1, tUs},
                           {"role"_L1, node == 1 ? "leader"_L1 : "follower"_L1},
                           {"text"_L1, text}};
    }

    QJsonObject message(const char *type, int node, qint64 traceId, const char *msg, int from, int to,
                        qint64 tUs) const
    {
        const bool response = QLatin1StringView(msg).endsWith("Response"_L1);
        QJsonObject event{{"type"_L1, QLatin1StringView(type)},
                          {"node"_L1, node},
                          {"term"_L1, m_term},
                          {"t_us"_L1, tUs},
                          {"id"_L1, traceId},
                          {"msg"_L1, QLatin1StringView(msg)},
                          {"from"_L1, from},
                          {"to"_L1, to},
                          {"response"_L1, response}};
        if (response) {
            event.insert("success"_L1, true);
            event.insert("match_index"_L1, m_index);
        } else {
            event.insert("prev_index"_L1, m_index - 1);
            event.insert("prev_term"_L1, m_term);
            event.insert("entries"_L1, 1);
            event.insert("commit"_L1, m_index - 1);
        }
        return event;
    }

    QJsonObject append(int node, qint64 tUs) const
    {
        const QJsonArray entries{QJsonObject{
            {"index"_L1, m_index}, {"term"_L1, m_term}, {"command"_L1, u"put key%1=value%1"_s.arg(m_index)}}};
        return QJsonObject{{"type"_L1, "append"_L1}, {"node"_L1, node},     {"term"_L1, m_term},
                           {"t_us"_L1, tUs},         {"first"_L1, m_index}, {"last"_L1, m_index},
                           {"entries"_L1, entries}};
    }

    void commitAndApply(std::vector<QJsonObject> &events, int node, qint64 index, qint64 tUs) const
    {
        QJsonObject commit =
            core("commit", node, tUs,
                 u"Node %1 knows entries up to index %2 are committed."_s.arg(node).arg(index));
        commit.insert("index"_L1, index);
        events.push_back(commit);
        events.push_back(QJsonObject{{"type"_L1, "apply"_L1},
                                     {"node"_L1, node},
                                     {"term"_L1, m_term},
                                     {"t_us"_L1, tUs + 5},
                                     {"first"_L1, index},
                                     {"last"_L1, index}});
    }

    void round(std::vector<QJsonObject> &events, qint64 t)
    {
        ++m_index;
        events.push_back(append(1, t));
        for (int f = 2; f <= m_nodeCount; ++f) {
            const qint64 request = (qint64(1) << 32) | ++m_sequence[1];
            const qint64 answer = (qint64(f) << 32) | ++m_sequence[std::size_t(f)];
            events.push_back(message("send", 1, request, "AppendEntries", 1, f, t + 10));
            events.push_back(message("recv", f, request, "AppendEntries", 1, f, t + 150));
            if (m_index > 1)
                commitAndApply(events, f, m_index - 1, t + 160);
            events.push_back(append(f, t + 170));
            QJsonObject accepted =
                core("append_accepted", f, t + 170,
                     u"Node %1's log matches node 1's up to index %2."_s.arg(f).arg(m_index));
            accepted.insert("index"_L1, m_index);
            accepted.insert("peer"_L1, 1);
            events.push_back(accepted);
            events.push_back(QJsonObject{{"type"_L1, "timer"_L1},
                                         {"node"_L1, f},
                                         {"term"_L1, m_term},
                                         {"t_us"_L1, t + 170},
                                         {"deadline_us"_L1, t + 170 + 200'000}});
            events.push_back(message("send", f, answer, "AppendEntriesResponse", f, 1, t + 180));
            events.push_back(message("recv", 1, answer, "AppendEntriesResponse", f, 1, t + 300));
        }
        commitAndApply(events, 1, m_index, t + 310);
    }

    int m_nodeCount = 9;
    qint64 m_roundUs = 0;
    qint64 m_nowUs = 1'000'000'000;
    qint64 m_nextRoundUs = 1'000'000'000;
    qint64 m_term = 1;
    qint64 m_index = 0;
    std::vector<quint32> m_sequence = std::vector<quint32>(10, 0);
};

} // namespace raftlab::bench
