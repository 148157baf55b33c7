// Google Benchmark for the linearizability checker (engine/check) and the history format.
//
// Histories come from the tests' generator (tests/check/historygenerator.h): clients that each wait for
// their answer before the next request, random gaps and durations so that the clients' operations overlap,
// every value written once (as a chaos run writes them), a cas that mostly expects a value recently written
// to its key (read-modify-write), 2% unknown and 1% failed results. Linearizable by construction; the
// "Violation" rows add one stale read at the end and time finding it and shrinking it to a witness.
// Generation is outside the timed region. Run the release preset (bench/run_check_bench.sh).
#include "check/historyjson.h"
#include "check/linearizability.h"
#include "historygenerator.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

namespace {

using namespace raftlab;
using namespace raftlab::check;
using namespace raftlab::check::testing;

History chaosLikeHistory(int operations, int keys, int clients, std::uint64_t seed)
{
    GeneratorConfig config;
    config.clients = clients;
    config.keys = keys;
    config.operations = operations;
    config.values = 1'000'000'000;
    config.unknownRate = 0.02;
    config.failRate = 0.01;
    config.casRate = 0.15;
    config.casExpectsRecentRate = 0.8;
    config.deleteRate = 0.05;
    config.getRate = 0.4;
    Random random(seed);
    return generateLinearizable(random, config);
}

// The history plus, at its very end, a read of k0 returning the value k0 had before its last write.
History withStaleRead(History history)
{
    std::optional<QString> previous;
    std::optional<QString> last;
    qint64 end = 0;
    for (const Operation &op : history.operations()) {
        end = std::max(end, op.completeUs.value_or(op.invokeUs));
        if (op.key == QLatin1String("k0") && op.kind == OpKind::Put && op.result == OpResult::Ok) {
            previous = last;
            last = op.value;
        }
    }
    history.append(Operation{
        999, OpKind::Get, QStringLiteral("k0"), previous, {}, {}, end + 10, end + 20, OpResult::Ok});
    return history;
}

void check(benchmark::State &state, const History &history, CheckReport::Verdict expected)
{
    CheckOptions options;
    options.budget = std::chrono::seconds(120);
    for (auto _ : state) {
        const CheckReport report = checkLinearizability(history, options);
        if (report.verdict != expected) {
            state.SkipWithError("unexpected verdict");
            return;
        }
        state.counters["witness"] = double(report.witness.size());
        state.counters["shrink_ms"] = double(report.shrinkUs) / 1000;
        benchmark::DoNotOptimize(report);
    }
    state.SetItemsProcessed(state.iterations() * history.size());
}

// Args: operations, keys, clients.
void BM_CheckLinearizable(benchmark::State &state)
{
    const History history =
        chaosLikeHistory(int(state.range(0)), int(state.range(1)), int(state.range(2)), 2024);
    check(state, history, CheckReport::Verdict::Linearizable);
}
BENCHMARK(BM_CheckLinearizable)
    ->ArgNames({"ops", "keys", "clients"})
    ->Args({100'000, 1000, 4})
    ->Args({100'000, 1000, 8})
    ->Args({100'000, 100, 8})
    ->Args({100'000, 10, 8})
    ->Unit(benchmark::kMillisecond);

void BM_CheckViolation(benchmark::State &state)
{
    const History history =
        withStaleRead(chaosLikeHistory(int(state.range(0)), int(state.range(1)), int(state.range(2)), 2024));
    check(state, history, CheckReport::Verdict::NotLinearizable);
}
BENCHMARK(BM_CheckViolation)
    ->ArgNames({"ops", "keys", "clients"})
    ->Args({100'000, 1000, 8})
    ->Args({100'000, 10, 8})
    ->Unit(benchmark::kMillisecond);

void BM_ReadJsonLines(benchmark::State &state)
{
    const QByteArray text = toJsonLines(chaosLikeHistory(100'000, 1000, 8, 7));
    for (auto _ : state) {
        History history;
        if (readJsonLines(text, history)) {
            state.SkipWithError("the generated history does not read back");
            return;
        }
        benchmark::DoNotOptimize(history);
    }
    state.SetItemsProcessed(state.iterations() * 100'000);
    state.SetBytesProcessed(state.iterations() * text.size());
}
BENCHMARK(BM_ReadJsonLines)->Unit(benchmark::kMillisecond);

void BM_WriteJsonLines(benchmark::State &state)
{
    const History history = chaosLikeHistory(100'000, 1000, 8, 7);
    for (auto _ : state)
        benchmark::DoNotOptimize(toJsonLines(history));
    state.SetItemsProcessed(state.iterations() * history.size());
}
BENCHMARK(BM_WriteJsonLines)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
