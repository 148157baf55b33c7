#!/bin/sh
# Builds bench_check with the release preset and runs it three times per benchmark, printing the medians.
#   bench/run_check_bench.sh                                     every benchmark
#   bench/run_check_bench.sh --benchmark_filter=CheckLinearizable extra arguments go to the benchmark
# BENCH_JOBS sets the build parallelism (default 2).
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

cmake --preset release
cmake --build --preset release -j "${BENCH_JOBS:-2}" --target bench_check

results=$(mktemp)
trap 'rm -f "$results"' EXIT

./build/release/bench/bench_check \
    --benchmark_repetitions=3 \
    --benchmark_report_aggregates_only=true \
    "$@" | tee "$results"

echo
echo "Medians of 3 repetitions:"
grep -E '_median ' "$results" || true
