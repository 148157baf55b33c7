// Google Benchmark for the step-by-step simulator (engine/sim/simulatedcluster.h): how long 10 virtual
// seconds of a 5-node cluster take headless (with and without a client writing, with and without the
// /events-shaped trace), and how long a rewind takes anywhere in a 10-minute virtual run (checkpoints
// plus replay). Run the release preset.
#include "sim/simulatedcluster.h"

#include <benchmark/benchmark.h>

#include <QJsonDocument>

#include <memory>

namespace {

using namespace raftlab;
using namespace raftlab::sim;

// Lets `virtualMs` pass; with `writeEveryMs` > 0 a client puts a fresh value at the leader that often.
void play(SimulatedCluster &cluster, qint64 virtualMs, int writeEveryMs)
{
    if (writeEveryMs <= 0) {
        cluster.advance(virtualMs * 1000);
        return;
    }
    int serial = 0;
    for (qint64 elapsed = 0; elapsed < virtualMs; elapsed += writeEveryMs) {
        ++serial;
        if (const std::optional<NodeId> leader = cluster.leader())
            cluster.put(*leader, QStringLiteral("k%1").arg(serial % 64), QString::number(serial));
        cluster.advance(qint64(writeEveryMs) * 1000);
    }
}

// 10 virtual seconds of a 5-node cluster. Arguments: milliseconds between writes (0: none), trace on/off.
void BM_TenVirtualSeconds(benchmark::State &state)
{
    const int writeEveryMs = int(state.range(0));
    const bool traced = state.range(1) != 0;
    std::uint64_t steps = 0;
    std::size_t traceBytes = 0;
    for (auto _ : state) {
        SimulatedCluster cluster(SimulatedClusterConfig{}, 1);
        if (traced)
            cluster.setEventSink([&traceBytes](const QJsonObject &event) {
                traceBytes += std::size_t(QJsonDocument(event).toJson(QJsonDocument::Compact).size()) + 1;
            });
        play(cluster, 10'000, writeEveryMs);
        steps = cluster.stepCount();
        benchmark::DoNotOptimize(cluster.leader());
    }
    state.counters["steps"] = double(steps);
    state.counters["trace_MB"] = double(traceBytes) / double(state.iterations()) / 1e6;
}
BENCHMARK(BM_TenVirtualSeconds)
    ->Args({0, 0})
    ->Args({0, 1})
    ->Args({20, 0})
    ->Args({20, 1})
    ->Unit(benchmark::kMillisecond);

// A rewind to a point spread over a 10-minute virtual run with a write every 100 ms (6,000 entries): the
// state at that step, restored from the checkpoint before it and replayed.
void BM_RewindInTenMinuteRun(benchmark::State &state)
{
    static std::unique_ptr<SimulatedCluster> cluster;
    static std::vector<Choice> choices;
    if (!cluster) {
        cluster = std::make_unique<SimulatedCluster>(SimulatedClusterConfig{}, 1);
        play(*cluster, 600'000, 100);
        choices = cluster->choices();
    }
    const std::uint64_t end = cluster->stepCount();
    std::uint64_t position = 0;
    for (auto _ : state) {
        position = (position + end / 7 + 12'345) % end; // jumps back and forth over the whole run
        state.PauseTiming();
        cluster->followChoices(choices); // back to the full run: the rewind below is from its end
        state.ResumeTiming();
        cluster->rewindTo(position);
        benchmark::DoNotOptimize(cluster->nowUs());
    }
    state.counters["run_steps"] = double(end);
}
BENCHMARK(BM_RewindInTenMinuteRun)->Unit(benchmark::kMillisecond)->Iterations(10);

} // namespace

BENCHMARK_MAIN();
