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
// The views over the same stream: bench_views.cpp.
#include "model/clustermodel.h"
#include "syntheticcluster.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <vector>

namespace {

using namespace raftlab;
using namespace Qt::StringLiterals;

using bench::frameUs;
using bench::SyntheticCluster;

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
