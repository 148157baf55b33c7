#!/bin/sh
# Builds bench_codec with the release preset and runs it three times per benchmark, printing the medians.
#   bench/run_codec_bench.sh                                 every benchmark
#   bench/run_codec_bench.sh --benchmark_filter=Decode       extra arguments go to the benchmark
# The machine may be shared and noisy: compare ratios between rows of one run rather than absolute figures
# across runs. BENCH_JOBS sets the build parallelism (default 2).
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

cmake --preset release
cmake --build --preset release -j "${BENCH_JOBS:-2}" --target bench_codec

results=$(mktemp)
trap 'rm -f "$results"' EXIT

./build/release/bench/bench_codec \
    --benchmark_repetitions=3 \
    --benchmark_report_aggregates_only=true \
    "$@" | tee "$results"

echo
echo "Medians of 3 repetitions (Time is per benchmark iteration; for BM_FrameStream an iteration is 64 frames,"
echo "so read items_per_second):"
grep -E '_median ' "$results" || true
