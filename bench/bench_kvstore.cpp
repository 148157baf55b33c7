// Google Benchmark for the replicated store (engine/node/kvstore.h) at the sizes bench/compare_etcd.sh
// reaches: a snapshot's encoding, a put, a put while a snapshot is being encoded, and folding back what was
// applied meanwhile. Keys are wrk's (bench/kv_load.lua): <prefix>-<thread>-<12-digit counter>, two threads
// interleaved, 100-byte values. Run the release preset:
//   cmake --build --preset release --target bench_kvstore && build/release/bench/bench_kvstore
#include "node/kvstore.h"

#include <benchmark/benchmark.h>

#include <QByteArray>

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace {

using namespace raftlab;

// A source of wrk-like puts: each call gives the next command of one of two interleaved client threads.
class WrkKeys
{
public:
    explicit WrkKeys(const char *prefix)
        : m_prefix(prefix)
    { }

    QByteArray nextPut()
    {
        const int thread = 1 + static_cast<int>(m_sent % 2);
        const std::uint64_t counter = 1 + m_sent / 2;
        ++m_sent;
        const QByteArray key = m_prefix + '-' + QByteArray::number(thread) + '-' +
            QByteArray::number(counter).rightJustified(12, '0');
        QByteArray value(100, 'v');
        value.replace(0, key.size() < 100 ? key.size() : 100, key);
        return KvStore::encodePut(key, value);
    }

private:
    QByteArray m_prefix;
    std::uint64_t m_sent = 0;
};

// Applies `puts` more wrk puts to `store`.
void fill(KvStore &store, WrkKeys &keys, std::int64_t puts)
{
    for (std::int64_t i = 0; i < puts; ++i) {
        const LogIndex index = store.appliedIndex().next();
        store.apply(Entry{index, Term(1), EntryType::Command, keys.nextPut()});
    }
}

// One store per size, built once: filling a million keys takes seconds.
KvStore &storeOf(std::int64_t keys)
{
    static std::map<std::int64_t, std::unique_ptr<KvStore>> stores;
    auto &store = stores[keys];
    if (!store) {
        store = std::make_unique<KvStore>();
        WrkKeys wrk("rl-16c-leader");
        fill(*store, wrk, keys);
    }
    return *store;
}

// Encoding a snapshot of state.range(0) pairs, as the snapshot thread does (freeze, encode, thaw).
void BM_SnapshotEncode(benchmark::State &state)
{
    KvStore &store = storeOf(state.range(0));
    qsizetype bytes = 0;
    for (auto _ : state) {
        KvSnapshotView view = store.freeze();
        const QByteArray encoded = view.encode();
        benchmark::DoNotOptimize(encoded.constData());
        bytes = encoded.size();
        view.releasePairs();
        store.thaw(view);
    }
    state.SetBytesProcessed(state.iterations() * bytes);
    state.counters["snapshot_MB"] = static_cast<double>(bytes) / 1e6;
}
BENCHMARK(BM_SnapshotEncode)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// One new key put into a store of state.range(0) pairs; frozen (range(1) == 1) while a snapshot is encoded.
void BM_ApplyPut(benchmark::State &state)
{
    constexpr std::int64_t puts = 200'000;
    KvStore store = storeOf(state.range(0)); // a copy: the puts must not grow the shared store
    WrkKeys wrk("rl-16c-follower");
    std::vector<Entry> entries;
    entries.reserve(puts);
    for (std::int64_t i = 0; i < puts; ++i)
        entries.push_back(Entry{LogIndex(store.appliedIndex().value + 1 + static_cast<std::uint64_t>(i)),
                                Term(1), EntryType::Command, wrk.nextPut()});
    KvSnapshotView view;
    if (state.range(1) == 1)
        view = store.freeze();
    std::size_t next = 0;
    for (auto _ : state)
        benchmark::DoNotOptimize(store.apply(entries[next++]));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ApplyPut)
    ->Args({1'000'000, 0})
    ->Args({1'000'000, 1})
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(200'000);

// Folding back state.range(1) puts applied while a store of state.range(0) pairs was frozen.
void BM_Thaw(benchmark::State &state)
{
    const std::int64_t applied = state.range(1);
    for (auto _ : state) {
        state.PauseTiming();
        KvStore store = storeOf(state.range(0));
        KvSnapshotView view = store.freeze();
        WrkKeys wrk("rl-64c-leader");
        fill(store, wrk, applied);
        view.releasePairs();
        state.ResumeTiming();
        store.thaw(view);
        benchmark::DoNotOptimize(store.size());
        state.PauseTiming();
        { // the copy's destruction is not the thaw's cost
            KvStore gone(std::move(store));
        }
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * applied);
}
BENCHMARK(BM_Thaw)->Args({1'000'000, 50'000})->Unit(benchmark::kMillisecond)->Iterations(3);

} // namespace

BENCHMARK_MAIN();
