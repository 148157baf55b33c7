#!/bin/sh
# Builds bench_storage with the release preset and runs it three times per benchmark, printing the medians
# and a summary: raw fdatasync/s, synced appends in entries/s, the batch-1 / raw ratio, recovery time.
#   bench/run_storage_bench.sh                               every benchmark
#   bench/run_storage_bench.sh --benchmark_filter=Recovery   extra arguments go to the benchmark
# The files go to $RAFTLAB_BENCH_DIR, by default build/release/bench/storage-bench-data (the build tree's
# disk; never a tmpfs, where fdatasync costs nothing). Everything written there is removed afterwards.
# The machine may be shared and noisy, and a virtual disk's sync latency drifts: compare ratios between rows
# of one run (BM_AppendSync1VsRaw measures batch-1 vs raw interleaved) rather than absolute figures across
# runs. BENCH_JOBS sets the build parallelism (default 2).
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

cmake --preset release
cmake --build --preset release -j "${BENCH_JOBS:-2}" --target bench_storage

bench_dir=${RAFTLAB_BENCH_DIR:-$repo/build/release/bench/storage-bench-data}
created_dir=
if [ ! -d "$bench_dir" ]; then
    mkdir -p "$bench_dir"
    created_dir=yes
fi
results=$(mktemp)
trap 'rm -f "$results"; if [ -n "$created_dir" ]; then rmdir "$bench_dir" 2>/dev/null || true; fi' EXIT

echo "Benchmark files go to $bench_dir:"
df -T "$bench_dir"
echo

RAFTLAB_BENCH_DIR=$bench_dir ./build/release/bench/bench_storage \
    --benchmark_repetitions=3 \
    --benchmark_report_aggregates_only=true \
    "$@" | tee "$results"

echo
echo "Medians of 3 repetitions (Time is per iteration: one sync, one batch, or one open):"
grep -E '_median ' "$results" || true

echo
echo "Summary (medians):"
awk '
# "4.46221k/s" -> 4462.21
function number(text,    value, suffix) {
    sub(/\/s$/, "", text)
    suffix = substr(text, length(text))
    value = text + 0
    if (suffix == "k") value *= 1e3
    else if (suffix == "M") value *= 1e6
    else if (suffix == "G") value *= 1e9
    return value
}
function counter(name,    i, parts) {
    for (i = 1; i <= NF; ++i) {
        if (index($i, name "=") == 1) {
            split($i, parts, "=")
            return number(parts[2])
        }
    }
    return ""
}
/_median / {
    name = $1
    sub(/_median$/, "", name)
    sub(/\/(real|manual)_time$/, "", name)
    sub(/\/(iterations|min_time):[0-9.]+$/, "", name)
    rate[name] = counter("items_per_second")
    if (name == "BM_AppendSync1VsRaw") interleaved = counter("ratio")
    if (name ~ /^BM_AppendSyncDirectVsPageCache\//) direct[substr(name, index(name, "/") + 1)] = counter("ratio")
    if (name == "BM_Recovery") recovery = counter("open_s")
}
END {
    if ("BM_RawFdatasync/100" in rate)
        printf "  raw write(100 B)+fdatasync        %12.0f syncs/s\n", rate["BM_RawFdatasync/100"]
    if ("BM_RawFdatasync/33024" in rate)
        printf "  raw write(33024 B)+fdatasync      %12.0f syncs/s  (limit for batch 256: %.0f entries/s)\n",
            rate["BM_RawFdatasync/33024"], 256 * rate["BM_RawFdatasync/33024"]
    split("1 16 256", batches, " ")
    for (i = 1; i <= 3; ++i) {
        b = "BM_AppendSync/" batches[i]
        if (b in rate)
            printf "  FileLog append, batch %-3s, sync    %12.0f entries/s\n", batches[i], rate[b]
    }
    if ("BM_AppendNoSync/256" in rate)
        printf "  FileLog append, batch 256, no sync %12.0f entries/s\n", rate["BM_AppendNoSync/256"]
    if (("BM_AppendSync/1" in rate) && rate["BM_RawFdatasync/100"] > 0)
        printf "  batch-1 / raw, separate runs        %11.2f   (target >= 0.80; drifts with the disk)\n",
            rate["BM_AppendSync/1"] / rate["BM_RawFdatasync/100"]
    if (interleaved != "")
        printf "  batch-1 / raw, interleaved          %11.2f   (target >= 0.80; same moments, the robust one)\n",
            interleaved
    for (b in direct)
        printf "  batch %-3s direct / page cache       %11.2fx  (interleaved; above 1: direct writes faster)\n",
            b, direct[b]
    if ("BM_AppendSync/256" in rate)
        printf "  batch 256 vs target 200000/s        %11.2fx\n", rate["BM_AppendSync/256"] / 200000
    if (recovery != "")
        printf "  recovery of 1,000,000 entries       %11.3f s (target < 1 s), %.0f entries/s\n",
            recovery, rate["BM_Recovery"]
}' "$results"
