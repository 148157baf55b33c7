#!/usr/bin/env bash
# Builds the fuzz preset (clang, libFuzzer, ASan + UBSan) and runs every fuzz target in turn:
#   fuzz/run.sh [seconds per target, default 60] [target ...]
# One target at a time, niced: a long run should not starve the machine. Each target grows its corpus
# in build/fuzz/work/corpus/<target> from the seeds in fuzz/corpus/<target>; a failing input lands in
# build/fuzz/work/artifacts/ (replay it: build/fuzz/fuzz/fuzz_<target> FILE). Once fixed, keep it under
# fuzz/regressions/<target>/: tests/fuzz_regressions replays it in every build.
# Scratch files (data dirs) go to $TMPDIR, /dev/shm by default: a tmpfs is about ten times faster than a
# disk here, but skips the log's preallocation; TMPDIR=/tmp fuzz/run.sh covers that too.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
seconds=${1:-60}
[[ $seconds =~ ^[0-9]+$ ]] || { echo "usage: fuzz/run.sh [seconds] [target ...]" >&2; exit 2; }
shift $(($# > 0 ? 1 : 0))
targets=("$@")
((${#targets[@]})) || targets=(frame_decoder message_decoder log_recovery snapshot_decoder cluster_config http_request)

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j2
if [ -z "${TMPDIR:-}" ] && [ -w /dev/shm ]; then
    export TMPDIR=/dev/shm
fi

work=build/fuzz/work
mkdir -p "$work/artifacts" "$work/logs"
failed=()
for target in "${targets[@]}"; do
    binary=build/fuzz/fuzz/fuzz_$target
    [ -x "$binary" ] || { echo "fuzz/run.sh: no fuzz target $target" >&2; exit 2; }
    mkdir -p "$work/corpus/$target"
    extra=()
    [ -f "fuzz/dict/$target.dict" ] && extra+=(-dict="fuzz/dict/$target.dict")
    # The node behind the HTTP target keeps state from input to input, so each would set off a leak check
    # of the whole heap (a hundred times slower); its leaks are checked once, when the run ends.
    [ "$target" = http_request ] && extra+=(-detect_leaks=0)
    log=$work/logs/$target.log
    echo "== $target: ${seconds} s (log: $log)"
    # -malloc_limit_mb: no input of a few KiB has a reason to allocate 32 MiB at once.
    if ! nice -n 10 "$binary" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=32 \
        -timeout=30 -print_final_stats=1 -artifact_prefix="$work/artifacts/$target-" "${extra[@]}" \
        "$work/corpus/$target" "fuzz/corpus/$target" >"$log" 2>&1; then
        failed+=("$target")
        grep -E "raftlab fuzz:|ERROR:|SUMMARY:|Test unit written" "$log" || tail -20 "$log"
    fi
    # "#N DONE cov: C ft: F corp: K/B" and the final stats: what the run did.
    grep -E "DONE|stat::number_of_executed_units|stat::peak_rss_mb" "$log" | sed 's/^/   /' || true
done
if ((${#failed[@]})); then
    echo "fuzz/run.sh: failed: ${failed[*]}" >&2
    exit 1
fi
