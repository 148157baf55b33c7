#!/bin/bash
# End-to-end write throughput of a 3-node raftlab-node cluster, and its failover time.
#
#   bench/cluster_bench.sh                  build the release preset, run everything, print a summary
#   REPEAT=5 bench/cluster_bench.sh         more wrk repetitions per connection count (default 3, medians)
#   PROFILE=1 bench/cluster_bench.sh        also `perf record` (self time) the leader during one extra 64-connection run
#
# What it does:
#  1. builds build/release/engine/raftlab-node (cmake --preset release; ninja is incremental);
#  2. starts 3 nodes on free loopback ports, data dirs in a temp dir on the real disk (never tmpfs: there
#     fdatasync costs nothing), default --fsync always; waits for a leader (GET /status);
#  3. runs wrk with bench/kv_load.lua (one PUT /kv/<new key> of 100 bytes per request) against the
#     leader at 1, 16 and 64 connections: a 2 s warm-up, then DURATION (default 10 s), REPEAT times;
#     reports writes/s (200 answers only), p50/p99 latency, non-200 answers, socket errors;
#  4. reads the leader's /metrics around the 64-connection runs: fsync (Ready persist) latency and
#     entries committed per fsync (group commit);
#  5. failover: kill -9 the leader, time until a PUT through another node succeeds (polled every ~10 ms
#     with ?timeout_ms=FAILOVER_TIMEOUT_MS), FAILOVERS times (default 5), restarting the killed node and
#     waiting for it to catch up in between;
#  6. prints a summary table. The nodes are always killed at the end (trap), the temp dir removed
#     (KEEP_DATA=1 keeps it and the node logs).
#
# Environment: REPEAT, DURATION (s), WARMUP (s), FAILOVERS, FAILOVER_TIMEOUT_MS, BENCH_JOBS (build -j,
# default 2), SKIP_BUILD=1 (use the existing binary), NODE_BINARY=PATH (run that raftlab-node, no build; for A/B runs), RAFTLAB_BENCH_DIR (parent of the temp dir; default build/release/bench), KEEP_DATA, PROFILE.
# Needs root or sudo only to install wrk/curl (Debian packages) when missing.
# The machine may be shared and noisy: compare figures of one run, not across runs.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
bench_name=cluster_bench
# shellcheck source=bench/common.sh
. "$repo/bench/common.sh"

REPEAT=${REPEAT:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
FAILOVERS=${FAILOVERS:-5}
FAILOVER_TIMEOUT_MS=${FAILOVER_TIMEOUT_MS:-50}
CONNECTIONS=${CONNECTIONS:-"1 16 64"}

# ---------------------------------------------------------------------------------------------------
# Tools
profiler=
if [ "${PROFILE:-0}" = 1 ]; then profiler=perf:linux-perf; fi
require_commands wrk:wrk curl:curl $profiler

# ---------------------------------------------------------------------------------------------------
# 1. Build
resolve_node_binary
lua=$repo/bench/kv_load.lua

# ---------------------------------------------------------------------------------------------------
# 2. Cluster
make_work_dir cluster-bench

declare -A pid http raft
cleanup() {
    local id
    for id in 1 2 3; do
        if [ -n "${pid[$id]:-}" ]; then kill -9 "${pid[$id]}" 2>/dev/null || true; fi
    done
    for id in 1 2 3; do
        if [ -n "${pid[$id]:-}" ]; then wait "${pid[$id]}" 2>/dev/null || true; fi
    done
    if [ -n "${perf_pid:-}" ]; then kill "$perf_pid" 2>/dev/null || true; fi
    if [ "${KEEP_DATA:-0}" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

status_of() { curl -s --max-time 1 "http://${http[$1]}/status" 2>/dev/null || true; }

start_node() {
    local id=$1
    "$node_bin" --cluster "$work/cluster.json" --id "$id" --data-dir "$work/n$id" \
        >>"$work/n$id.log" 2>&1 &
    pid[$id]=$!
}

# Waits until every node in "$@" answers /status and one of them is leader that all agree on; prints the id.
wait_for_leader() {
    local deadline=$((SECONDS + ${2:-20})) nodes=$1 id s role leader agreed
    while [ $SECONDS -lt $deadline ]; do
        agreed=
        leader=
        for id in $nodes; do
            s=$(status_of "$id")
            role=$(json_field "$s" role)
            if [ "$role" = leader ]; then leader=$id; fi
        done
        if [ -n "$leader" ]; then
            agreed=yes
            for id in $nodes; do
                s=$(status_of "$id")
                [ "$(json_field "$s" leader_id)" = "$leader" ] || agreed=
            done
            if [ -n "$agreed" ]; then echo "$leader"; return 0; fi
        fi
        sleep 0.05
    done
    return 1
}

cluster_up() {
    local attempt id
    for attempt in 1 2 3; do
        write_three_node_config bench
        for id in 1 2 3; do start_node "$id"; done
        if leader=$(wait_for_leader "1 2 3" 20); then return 0; fi
        log "no leader after 20 s (attempt $attempt); node logs:"
        tail -n 5 "$work"/n?.log >&2 || true
        for id in 1 2 3; do kill -9 "${pid[$id]}" 2>/dev/null || true; wait "${pid[$id]}" 2>/dev/null || true; pid[$id]=; done
        rm -rf "$work"/n1 "$work"/n2 "$work"/n3
    done
    die "the cluster did not elect a leader"
}

log "data dirs in $work ($fstype on $(df -P "$work" | awk 'NR == 2 { print $1 }'))"
cluster_up
log "cluster up: http ${http[1]} ${http[2]} ${http[3]}; leader is node $leader (pid ${pid[$leader]})"

# ---------------------------------------------------------------------------------------------------
# Metrics helpers: values of the leader's /metrics.
metrics_of() { curl -s --max-time 2 "http://${http[$1]}/metrics"; }
metric_value() { # metric text, exact series name (with labels)
    awk -v name="$2" '$1 == name { print $2; found = 1; exit } END { if (!found) print 0 }' <<<"$1"
}
# p50 of the difference of two snapshots of raftlab_fsync_seconds (linear inside the bucket), in ms.
fsync_quantile_ms() { # before after q
    awk -v q="$3" '
    function load(text, arr,    lines, n, i, f, le) {
        n = split(text, lines, "\n")
        for (i = 1; i <= n; ++i) {
            if (lines[i] !~ /^raftlab_fsync_seconds_bucket\{le="/) continue
            split(lines[i], f, " ")
            le = f[1]; sub(/.*le="/, "", le); sub(/".*/, "", le)
            arr[le] = f[2]
            if (!(le in order)) { order[le] = ++count; bound[count] = le }
        }
    }
    BEGIN {
        load(ENVIRON["M_BEFORE"], b); load(ENVIRON["M_AFTER"], a)
        total = a["+Inf"] - b["+Inf"]
        if (total <= 0) { print "n/a"; exit }
        target = q * total; prev_le = 0; prev_c = 0
        for (i = 1; i <= count; ++i) {
            le = bound[i]; c = a[le] - b[le]
            if (c >= target) {
                if (le == "+Inf") { printf ">%.3g\n", prev_le * 1000; exit }
                frac = (c > prev_c) ? (target - prev_c) / (c - prev_c) : 1
                printf "%.3f\n", (prev_le + frac * (le - prev_le)) * 1000; exit
            }
            prev_le = le; prev_c = c
        }
    }' </dev/null
}

# ---------------------------------------------------------------------------------------------------
# 3. wrk runs
run_wrk() { # connections duration prefix -> RESULT line (or empty)
    local c=$1 d=$2 prefix=$3 t=2
    [ "$c" -lt 2 ] && t=1
    wrk -t"$t" -c"$c" -d"${d}s" --timeout 10s --latency -s "$lua" "http://${http[$leader]}" -- raftlab-put "$prefix" \
        >"$work/wrk.out" 2>&1 || true
    cat "$work/wrk.out" >>"$work/wrk.all"
    grep -E '^(RESULT|FIRST_NON200)' "$work/wrk.out" || true
}

# CPU accounting (clock ticks) of a process (utime+stime) and of the whole machine (busy, total).
machine_ticks() { awk '$1 == "cpu" { busy = $2 + $3 + $4 + $7 + $8; total = busy + $5 + $6; print busy, total; exit }' /proc/stat; }
cpu_snapshot() { # -> "leader f1 f2 machine_busy machine_total uptime_ticks"
    local id out=""
    out+="$(proc_ticks "${pid[$leader]}") "
    for id in 1 2 3; do [ "$id" != "$leader" ] && out+="$(proc_ticks "${pid[$id]}") "; done
    echo "$out$(machine_ticks)"
}

# The leader may move under load (an election): wrk must always aim at the current one.
find_leader() {
    local id
    for id in 1 2 3; do
        if [ -n "${pid[$id]:-}" ] && [ "$(json_field "$(status_of "$id")" role)" = leader ]; then echo "$id"; return 0; fi
    done
    return 1
}
refresh_leader() {
    local now
    now=$(find_leader || wait_for_leader "1 2 3" 20) || die "no leader"
    if [ "$now" != "$leader" ]; then log "  NOTE: the leader moved from node $leader to node $now"; leader=$now; fi
}
elections_sum() { # elections started, summed over the live nodes
    local id total=0 v
    for id in 1 2 3; do
        [ -n "${pid[$id]:-}" ] || continue
        v=$(metric_value "$(metrics_of "$id")" raftlab_elections_total)
        total=$((total + ${v%.*}))
    done
    echo "$total"
}

declare -A res_rps res_p50 res_p99 res_bad res_err res_runs res_elect
run_id=$(date +%s)
m_before=; m_after=; elections_64=0
for c in $CONNECTIONS; do
    refresh_leader
    log "warm-up: $c connection(s), ${WARMUP} s, against node $leader"
    run_wrk "$c" "$WARMUP" "w$run_id-c$c" >/dev/null
    rps_list=; p50_list=; p99_list=; bad_total=0; err_total=0; runs=; elect_total=0
    refresh_leader
    if [ "$c" = 64 ]; then m_before=$(metrics_of "$leader"); cpu_before=$(cpu_snapshot); fsync_leader=$leader; fi
    for r in $(seq 1 "$REPEAT"); do
        refresh_leader
        e0=$(elections_sum)
        line=$(run_wrk "$c" "$DURATION" "r$run_id-c$c-$r")
        elect=$(( $(elections_sum) - e0 ))
        elect_total=$((elect_total + elect))
        if [ "$elect" -gt 0 ]; then
            log "  c=$c run $r: $elect ELECTION(S) during the run (leader was node $leader)"
        fi
        result=$(grep '^RESULT' <<<"$line" || true)
        if [ -z "$result" ]; then
            log "  run $r: wrk printed no RESULT:"; tail -n 20 "$work/wrk.out" >&2; continue
        fi
        req=$(field "$result" requests); dur=$(field "$result" duration_us); bad=$(field "$result" non200)
        errs=$(( $(field "$result" connect_errors) + $(field "$result" read_errors) + $(field "$result" write_errors) + $(field "$result" timeouts) ))
        ok_rps=$(awk -v n="$req" -v b="$bad" -v d="$dur" 'BEGIN { printf "%.0f", (n - b) / (d / 1e6) }')
        p50=$(awk -v v="$(field "$result" p50_us)" 'BEGIN { printf "%.2f", v / 1000 }')
        p99=$(awk -v v="$(field "$result" p99_us)" 'BEGIN { printf "%.2f", v / 1000 }')
        log "  c=$c run $r: $ok_rps writes/s, p50 $p50 ms, p99 $p99 ms, non-200 $bad, socket errors $errs"
        if grep -q '^FIRST_NON200' <<<"$line"; then log "    $(grep '^FIRST_NON200' <<<"$line")"; fi
        rps_list+="$ok_rps"$'\n'; p50_list+="$p50"$'\n'; p99_list+="$p99"$'\n'
        bad_total=$((bad_total + bad)); err_total=$((err_total + errs)); mark=; if [ "$elect" -gt 0 ]; then mark='*'; fi; runs+="$ok_rps$mark "
    done
    if [ "$c" = 64 ]; then
        leader_then=$leader
        leader=$fsync_leader
        m_after=$(metrics_of "$leader"); cpu_after=$(cpu_snapshot)
        leader=$leader_then
    fi
    res_rps[$c]=$(printf '%s' "$rps_list" | median)
    res_p50[$c]=$(printf '%s' "$p50_list" | median)
    res_p99[$c]=$(printf '%s' "$p99_list" | median)
    res_bad[$c]=$bad_total; res_err[$c]=$err_total; res_runs[$c]=$runs; res_elect[$c]=$elect_total
    if [ "$c" = 64 ]; then elections_64=$elect_total; fi
    # Every node still alive?
    for id in 1 2 3; do
        kill -0 "${pid[$id]}" 2>/dev/null || { log "node $id DIED during the $c-connection runs:"; tail -n 20 "$work/n$id.log" >&2; die "node crash"; }
    done
done

# ---------------------------------------------------------------------------------------------------
# 4. fsync and group commit during the 64-connection runs
fsync_p50=n/a; fsync_p99=n/a; fsync_mean=n/a; per_fsync=n/a; fsyncs=0; committed=0
if [ -n "$m_before" ] && [ -n "$m_after" ]; then
    export M_BEFORE=$m_before M_AFTER=$m_after
    fsync_p50=$(fsync_quantile_ms "" "" 0.5)
    fsync_p99=$(fsync_quantile_ms "" "" 0.99)
    fsyncs=$(awk -v a="$(metric_value "$m_after" raftlab_fsync_seconds_count)" -v b="$(metric_value "$m_before" raftlab_fsync_seconds_count)" 'BEGIN { printf "%.0f", a - b }')
    committed=$(awk -v a="$(metric_value "$m_after" raftlab_entries_committed_total)" -v b="$(metric_value "$m_before" raftlab_entries_committed_total)" 'BEGIN { printf "%.0f", a - b }')
    fsync_mean=$(awk -v a="$(metric_value "$m_after" raftlab_fsync_seconds_sum)" -v b="$(metric_value "$m_before" raftlab_fsync_seconds_sum)" -v n="$fsyncs" 'BEGIN { if (n > 0) printf "%.3f", (a - b) / n * 1000; else print "n/a" }')
    per_fsync=$(awk -v e="$committed" -v n="$fsyncs" 'BEGIN { if (n > 0) printf "%.1f", e / n; else print "n/a" }')
fi

cpu_line=n/a
if [ -n "${cpu_before:-}" ] && [ -n "${cpu_after:-}" ]; then
    # CPU per process as % of one core over the runs, and the machine's busy share (all cores).
    cpu_line=$(awk -v b="$cpu_before" -v a="$cpu_after" -v n="$committed" 'BEGIN {
        split(b, x, " "); split(a, y, " ")
        wall = (y[5] - x[5]) / '"$(nproc)"'    # ticks of one core
        if (wall <= 0) { print "n/a"; exit }
        printf "leader %.0f%%, followers %.0f%% and %.0f%% of one core; machine %.0f%% busy", \
            100 * (y[1] - x[1]) / wall, 100 * (y[2] - x[2]) / wall, 100 * (y[3] - x[3]) / wall, \
            100 * (y[4] - x[4]) / (y[5] - x[5])
        if (n > 0) printf "; leader CPU per write %.0f us", (y[1] - x[1]) / '"$(getconf CLK_TCK)"' * 1e6 / n
    }')
fi

# Optional profile of the leader under 64 connections.
if [ "${PROFILE:-0}" = 1 ]; then
    log "PROFILE: perf record (self time, no call graph) on the leader (pid ${pid[$leader]}) during a ${DURATION} s 64-connection run"
    perf record -F 1999 -o "$work/perf.data" -p "${pid[$leader]}" >/dev/null 2>&1 &
    perf_pid=$!
    sleep 0.5
    run_wrk 64 "$DURATION" "p$run_id" >/dev/null
    kill -INT "$perf_pid" 2>/dev/null || true; wait "$perf_pid" 2>/dev/null || true; perf_pid=
    { perf report -i "$work/perf.data" --no-children --stdio --sort dso 2>/dev/null | grep -E '^ +[0-9]' | head -n 8
      echo "  ---"
      perf report -i "$work/perf.data" --no-children --stdio --sort dso,sym 2>/dev/null | grep -E '^ +[0-9]' \
        | head -n 30 | cut -c1-140; } >"$work/perf.txt" || true
    cp "$work/perf.data" "$parent/cluster-bench-perf.data" 2>/dev/null || true
    log "perf self-time top (full data kept in $parent/cluster-bench-perf.data):"
    cat "$work/perf.txt" >&2
fi

# ---------------------------------------------------------------------------------------------------
# 5. Failover
now_ns() { date +%s%N; }
failover_times=()
for round in $(seq 1 "$FAILOVERS"); do
    refresh_leader
    old=$leader
    others=
    for id in 1 2 3; do if [ "$id" != "$old" ]; then others+="$id "; fi; done
    via=${others%% *}
    # Make sure `via` currently reaches the leader (a write succeeds), so the clock starts from a healthy state.
    curl -s -o /dev/null --max-time 3 -X PUT --data-binary x "http://${http[$via]}/kv/failover-pre-$run_id-$round" || true
    t0=$(now_ns)
    kill -9 "${pid[$old]}"
    wait "${pid[$old]}" 2>/dev/null || true
    pid[$old]=
    n=0; ok=
    while [ $(( ($(now_ns) - t0) / 1000000 )) -lt 30000 ]; do
        n=$((n + 1))
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 -X PUT --data-binary x \
            "http://${http[$via]}/kv/failover-$run_id-$round-$n?timeout_ms=$FAILOVER_TIMEOUT_MS" || true)
        if [ "$code" = 200 ]; then ok=yes; break; fi
        sleep 0.01
    done
    t1=$(now_ns)
    ms=$(( (t1 - t0) / 1000000 ))
    if [ -z "$ok" ]; then
        log "failover $round: NO successful write within 30 s after killing node $old"
        failover_times+=(">30000")
    else
        failover_times+=("$ms")
    fi
    new=$(wait_for_leader "$others" 10 || echo "?")
    log "failover $round: killed leader $old, write through node $via OK after $ms ms ($n attempts); new leader $new"
    # Restart the killed node and wait for it to catch up with the leader's commit index.
    start_node "$old"
    leader=$(wait_for_leader "1 2 3" 20) || die "no leader with all three nodes after restarting node $old"
    target=$(json_field "$(status_of "$leader")" commit_index)
    deadline=$((SECONDS + 60))
    while [ $SECONDS -lt $deadline ]; do
        applied=$(json_field "$(status_of "$old")" last_applied)
        [ -n "$applied" ] && [ "$applied" != null ] && [ "$applied" -ge "$target" ] && break
        sleep 0.1
    done
    [ "${applied:-0}" != null ] && [ "${applied:-0}" -ge "$target" ] || log "node $old did not catch up to $target within 60 s (at ${applied:-?})"
    log "  node $old restarted and caught up (last_applied ${applied:-?} >= $target); leader is node $leader"
done
failover_median=n/a
if [ ${#failover_times[@]} -gt 0 ]; then
    failover_median=$(printf '%s\n' "${failover_times[@]}" | grep -v '>' | median)
fi

# ---------------------------------------------------------------------------------------------------
# 6. Summary
echo
echo "RaftLab cluster bench: 3 nodes, fsync always, $(nproc) cores, data on $fstype; wrk PUT 100-byte values, new key each"
echo "medians of $REPEAT runs x ${DURATION} s (after ${WARMUP} s warm-up); writes/s counts 200 answers only"
echo
printf '%-12s %10s %9s %9s %8s %9s %10s   %s\n' connections writes/s p50_ms p99_ms non-200 sock_err elections "runs (writes/s; * = election in the run)"
for c in $CONNECTIONS; do
    printf '%-12s %10s %9s %9s %8s %9s %10s   %s\n' "$c" "${res_rps[$c]:-n/a}" "${res_p50[$c]:-n/a}" \
        "${res_p99[$c]:-n/a}" "${res_bad[$c]:-n/a}" "${res_err[$c]:-n/a}" "${res_elect[$c]:-n/a}" "${res_runs[$c]:-}"
done
echo
if [ "${elections_64:-0}" -gt 0 ]; then echo "WARNING: elections during the 64-connection runs: the figures below may mix two leaders (node $fsync_leader measured)"; fi
echo "leader (node ${fsync_leader:-?}) during the 64-connection runs: persist (write+fdatasync) p50 ${fsync_p50} ms, p99 ${fsync_p99} ms, mean ${fsync_mean} ms"
echo "  $fsyncs persists, $committed entries committed: ${per_fsync} entries per fsync (group commit)"
echo "  CPU: $cpu_line"
echo
echo "failover (kill -9 leader -> first 200 PUT via another node, polled every ~10 ms, timeout_ms=$FAILOVER_TIMEOUT_MS):"
echo "  ${failover_times[*]:-none} ms; median ${failover_median} ms"
echo
echo "etcd 3.4 on this machine (same wrk method): ~700/s at 1 (p50 ~1.2 ms); 2,400-3,000/s at 16 (p99 13-33 ms);"
echo "  2,700-4,000/s at 64 (p99 ~40-80 ms). Target: at least 2x etcd's writes/s with a lower p99."
