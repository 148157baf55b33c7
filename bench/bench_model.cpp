// Google Benchmark for the GUI's ClusterModel (gui/model): the cost of one frame of the UI thread at a
// given message rate. The budget: a frame under 33 ms with 9 nodes and 5,000 messages/s.
//
// A synthetic 9-node cluster replicates one write per AppendEntries round: per round the leader appends,
// sends AppendEntries to 8 followers, each receives it, appends, accepts, restarts its election timer and
// answers; the leader receives the 8 answers, commits and applies; followers commit and apply on the
// next round. That is 16 messages (32 send/recv events) and about 75 events per round, so 5,000
// messages/s is ~23,000 events/s, ~780 events per 33 ms frame — every event with the fields and
// sentences the real stream carries (engine/http/eventjson.cpp).
//
// Timing: each iteration is one frame: the frame's events are built untimed, then ingest() of each one
// plus foldPending() is timed. Before timing, a warm-up of 300 frames (10 s) fills the rings (narration,
// finished messages), so the figure is the steady state, not an empty model.
// BM_ReplayFixture folds the recorded 3-node stream (tests/gui/fixtures/three_nodes.jsonl) in 33 ms frames.
//
// Views: add a benchmark that builds the views offscreen over `model` in BM_FoldFrame's shape (fold a frame,
// then render), with a QGuiApplication instead of the QCoreApplication in main().
#include "model/clustermodel.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <vector>

namespace {

using namespace raftlab;
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

void BM_FoldFrame(benchmark::State &state)
{
    const double messagesPerSecond = double(state.range(0));
    SyntheticCluster cluster(9, messagesPerSecond);
    ClusterModel model;
    model.setClock([&cluster] { return cluster.nowUs(); });
    for (const QJsonObject &event : cluster.subscribe())
        model.ingest(event);
    for (int frame = 0; frame < 300; ++frame) {
        for (const QJsonObject &event : cluster.nextFrame())
            model.ingest(event);
        model.foldPending();
    }
    std::size_t events = 0;
    for (auto _ : state) {
        state.PauseTiming();
        const std::vector<QJsonObject> frame = cluster.nextFrame();
        events += frame.size();
        state.ResumeTiming();
        for (const QJsonObject &event : frame)
            model.ingest(event);
        model.foldPending();
    }
    state.counters["events_per_frame"] = double(events) / double(state.iterations());
    state.counters["events_per_s"] = benchmark::Counter(double(events), benchmark::Counter::kIsRate);
    state.counters["in_flight"] = double(model.messages().inFlight().size());
    state.counters["narration"] = double(model.narration()->size());
    state.counters["log_entries"] = double(model.log(NodeId(2))->size());
}
BENCHMARK(BM_FoldFrame)->Arg(1000)->Arg(5000)->Arg(20000)->Unit(benchmark::kMillisecond);

// Ingest alone: what a NodeClient pays per event on the UI thread before the frame folds it.
void BM_Ingest(benchmark::State &state)
{
    SyntheticCluster cluster(9, 5000);
    ClusterModel model;
    model.setClock([&cluster] { return cluster.nowUs(); });
    std::vector<QJsonObject> frame = cluster.nextFrame();
    std::size_t events = 0;
    for (auto _ : state) {
        for (const QJsonObject &event : frame)
            model.ingest(event);
        events += frame.size();
        state.PauseTiming();
        model.foldPending();
        frame = cluster.nextFrame();
        state.ResumeTiming();
    }
    state.counters["ns_per_event"] =
        benchmark::Counter(double(events), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_Ingest)->Unit(benchmark::kMicrosecond);

// The recorded 3-node story, folded in 33 ms frames of its own clock.
void BM_ReplayFixture(benchmark::State &state)
{
    QFile file(QStringLiteral(RAFTLAB_FIXTURE_DIR "/three_nodes.jsonl"));
    if (!file.open(QIODevice::ReadOnly)) {
        state.SkipWithError("fixture not found");
        return;
    }
    std::vector<QJsonObject> events;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine();
        if (!line.startsWith('#'))
            events.push_back(QJsonDocument::fromJson(line).object());
    }
    qint64 frames = 0;
    for (auto _ : state) {
        ClusterModel model;
        qint64 now = 0;
        model.setClock([&now] { return now; });
        for (const QJsonObject &event : events) {
            const qint64 t = event.value("t_us"_L1).toInteger();
            if (now != 0 && t > now + frameUs) {
                model.foldPending();
                ++frames;
            }
            now = std::max(now, t);
            model.ingest(event);
        }
        model.foldPending();
        ++frames;
        benchmark::DoNotOptimize(model.summary());
    }
    state.counters["events"] = double(events.size());
    state.counters["frames"] = double(frames) / double(state.iterations());
}
BENCHMARK(BM_ReplayFixture)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv); // ClusterModel's frame timer needs a Qt thread
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
