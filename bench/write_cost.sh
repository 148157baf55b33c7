#!/bin/bash
# What one acknowledged write costs the leader of a 3-node raftlab-node cluster: CPU, context switches,
# fsyncs and Raft messages per write, beside writes/s and latency; and the same for two node binaries
# side by side (A/B), run alternately so that the machine's noise shows in the figures.
#
#   bench/write_cost.sh                               build the release preset, one run at 16 connections
#   CONNECTIONS="1 16 64" bench/write_cost.sh         several connection counts per run
#   NODE_A=old/raftlab-node NODE_B=new/raftlab-node PAIRS=3 bench/write_cost.sh
#                                                     A B A B A B: a fresh cluster per run, then medians
#   PROFILE=1 bench/write_cost.sh                     the leader under callgrind: instructions per write
#   IDLE=60 NODE_A=... NODE_B=... bench/write_cost.sh  no load: each node's CPU and wake-ups over 60 s
#   READS=1 bench/write_cost.sh                       linearizable reads of one 100-byte key instead of writes
#   FOLLOWER=1 bench/write_cost.sh                    wrk drives a follower, which forwards to the leader
#   TRACE=1 CONNECTIONS=1 bench/write_cost.sh         in-node timestamps of every write: where its time goes
#   SNAPSHOT_EVERY=2000000000 DURATION=60 CONNECTIONS=64 NODE_A=... NODE_B=... bench/write_cost.sh
#                                                     no snapshots: the leader's log grows past a million
#                                                     entries in memory, and the p99 shows what that costs
#
# Each run starts a fresh cluster (data dirs in a temp dir on the real disk, --fsync always), waits for a
# leader, drives it with wrk and bench/kv_load.lua (a new key per PUT, 100-byte values) for WARMUP s, then
# measures DURATION s (default 10) and divides what the leader spent in that window by the writes
# answered 200 in it:
#   cpu_us     leader CPU (all its threads: /proc/PID/task/*/schedstat, nanoseconds)
#   csw        leader context switches, voluntary and not (/proc/PID/task/*/status)
#   fsync      the leader's persists (write + fdatasync of one Ready: /metrics raftlab_fsync_seconds_count)
#   msgs       Raft messages the leader sent (/metrics raftlab_messages_sent_total, all types)
#   f_cpu_us   CPU of the two followers together, per write
# A run during which the leader changed is marked with '*' and left out of the medians.
#
# IDLE=SECONDS measures the cluster without load instead: after WARMUP s, each node's CPU in % of one core
# and its context switches per second (each one a wake-up of one of its threads) over SECONDS, per run
# the leader and the busier follower; PROFILE=1 then counts node 1's instructions per second.
#
# PROFILE=1 starts node 1 under `valgrind --tool=callgrind --instr-atstart=no` (valgrind is installed
# if missing) with the shorter election timeout, so that it leads, switches instrumentation on for the
# measured window only (callgrind_control), and prints instructions per write and the functions that
# executed the most of them. Under valgrind the leader runs some 50 times slower: the counts, not the
# rates, are the figures of such a run.
#
# TRACE=1 sets RAFTLAB_WRITE_TRACE for the nodes (engine/node/writetrace.h: steady-clock stamps of each
# write's steps, kept in memory), stops each cluster with SIGTERM so that they write them out, and prints
# bench/write_trace.py's stage table per run: the median of each step of a write, from the request parsed
# on the leader, through the follower that acknowledged first, to the answer. Use it at one connection.
#
# FOLLOWER=1 sends wrk's writes to a follower instead, which forwards them to the leader; the CPU and
# counters per write are still the leader's, the followers' CPU is both followers'.
#
# Environment: CONNECTIONS (default 16), DURATION (s, default 10), WARMUP (s, default 2), PAIRS (A/B,
# default 3), SNAPSHOT_EVERY (the cluster file's snapshot_every; default the node's), NODE_A / NODE_B
# (A/B mode), NODE_BINARY, SKIP_BUILD, BENCH_JOBS, RAFTLAB_BENCH_DIR, KEEP_DATA=1 (keep the temp dir and node logs), PROFILE=1, PROFILE_TOP (functions listed, default 25).
# Every process it starts is stopped by pid, also on Ctrl-C. The machine may be shared and noisy:
# compare the two columns of one A/B run, not figures of different runs.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
bench_name=write_cost
# shellcheck source=bench/common.sh
. "$repo/bench/common.sh"

CONNECTIONS=${CONNECTIONS:-16}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
PAIRS=${PAIRS:-3}
PROFILE=${PROFILE:-0}
PROFILE_TOP=${PROFILE_TOP:-25}
IDLE=${IDLE:-0}
READS=${READS:-0}
TRACE=${TRACE:-0}
FOLLOWER=${FOLLOWER:-0}
SNAPSHOT_EVERY=${SNAPSHOT_EVERY:-}
wrk_mode=raftlab-put
if [ "$READS" = 1 ]; then wrk_mode=raftlab-get; fi

profiler=
if [ "$PROFILE" = 1 ]; then profiler=valgrind:valgrind; fi
require_commands wrk:wrk curl:curl $profiler
lua=$repo/bench/kv_load.lua

declare -A binaries
if [ -n "${NODE_A:-}" ] || [ -n "${NODE_B:-}" ]; then
    if [ ! -x "${NODE_A:-}" ] || [ ! -x "${NODE_B:-}" ]; then die "A/B mode needs both NODE_A and NODE_B, executable"; fi
    binaries[A]=$NODE_A
    binaries[B]=$NODE_B
    order=
    for _ in $(seq 1 "$PAIRS"); do order+="A B "; done
else
    resolve_node_binary
    binaries[A]=$node_bin
    order="A"
fi

make_work_dir write-cost
declare -A pid http raft
stop_cluster() {
    local id deadline
    if [ "$TRACE" = 1 ]; then
        # A clean stop, so that each node writes its trace out (bounded: then as below).
        for id in 1 2 3; do
            if [ -n "${pid[$id]:-}" ]; then kill -TERM "${pid[$id]}" 2>/dev/null || true; fi
        done
        deadline=$((SECONDS + 10))
        for id in 1 2 3; do
            while [ -n "${pid[$id]:-}" ] && kill -0 "${pid[$id]}" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
                sleep 0.1
            done
        done
    fi
    for id in 1 2 3; do
        if [ -n "${pid[$id]:-}" ]; then kill -9 "${pid[$id]}" 2>/dev/null || true; fi
    done
    for id in 1 2 3; do
        if [ -n "${pid[$id]:-}" ]; then wait "${pid[$id]}" 2>/dev/null || true; fi
        pid[$id]=
    done
}
cleanup() {
    stop_cluster
    if [ "${KEEP_DATA:-0}" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

status_of() { curl -s --max-time 1 "http://${http[$1]}/status" 2>/dev/null || true; }
metrics_of() { curl -s --max-time 5 "http://${http[$1]}/metrics" 2>/dev/null || true; }
metric_sum() { # metric text, series name without labels -> the sum over its labels
    awk -v name="$2" '$1 == name || index($1, name "{") == 1 { s += $2 } END { printf "%.0f\n", s }' <<<"$1"
}

# Nanoseconds of CPU and context switches of every thread of a process.
proc_cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f\n", s }'; }
proc_switches() {
    cat /proc/"$1"/task/*/status 2>/dev/null |
        awk '$1 == "voluntary_ctxt_switches:" || $1 == "nonvoluntary_ctxt_switches:" { s += $2 } END { print s + 0 }'
}

wait_for_leader() { # timeout_s [required leader] -> the leader's id
    local deadline=$((SECONDS + $1)) id s
    while [ $SECONDS -lt $deadline ]; do
        for id in 1 2 3; do
            s=$(status_of "$id")
            if [ "$(json_field "$s" role)" = leader ] && { [ -z "${2:-}" ] || [ "$id" = "$2" ]; }; then
                echo "$id"
                return 0
            fi
        done
        sleep 0.1
    done
    return 1
}

# Starts nodes 1-3 of binary $1 on fresh ports and data dirs; sets `leader`.
start_cluster() {
    local bin=$1 attempt id timeouts wanted
    for attempt in 1 2 3; do
        if [ "$TRACE" = 1 ]; then
            trace_dir=$work/trace-$run
            rm -rf "$trace_dir"
            mkdir -p "$trace_dir"
            export RAFTLAB_WRITE_TRACE=$trace_dir
        fi
        write_three_node_config write-cost "$SNAPSHOT_EVERY"
        rm -rf "$work"/n1 "$work"/n2 "$work"/n3
        for id in 1 2 3; do
            if [ "$PROFILE" = 1 ] && [ "$id" = 1 ]; then
                valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/callgrind.out" \
                    "$bin" --cluster "$work/cluster.json" --id 1 --data-dir "$work/n1" \
                    --election-timeout-ms 150-300 >>"$work/n1.log" 2>&1 &
            elif [ "$PROFILE" = 1 ]; then
                # The followers wait long enough for the slowed-down node 1 to win and keep leading.
                "$bin" --cluster "$work/cluster.json" --id "$id" --data-dir "$work/n$id" \
                    --election-timeout-ms 3000-6000 >>"$work/n$id.log" 2>&1 &
            else
                "$bin" --cluster "$work/cluster.json" --id "$id" --data-dir "$work/n$id" >>"$work/n$id.log" 2>&1 &
            fi
            pid[$id]=$!
        done
        timeouts=20 wanted=
        if [ "$PROFILE" = 1 ]; then timeouts=120 wanted=1; fi
        if leader=$(wait_for_leader "$timeouts" "$wanted"); then
            # The key READS=1 reads (bench/kv_load.lua's raftlab-get): 100 bytes.
            if [ "$READS" = 1 ]; then
                curl -s -f -o /dev/null --max-time 10 -X PUT --data-binary "$(printf '%0100d' 0)" \
                    "http://${http[$leader]}/kv/k" || die "could not write the key the reads read"
            fi
            return 0
        fi
        log "no leader after $timeouts s (attempt $attempt); node logs:"
        tail -n 5 "$work"/n?.log >&2 || true
        stop_cluster
    done
    die "the cluster did not elect a leader"
}

run_wrk() { # connections duration prefix -> RESULT line (or empty)
    local c=$1 d=$2 prefix=$3 t=2
    [ "$c" -lt 2 ] && t=1
    local target=$leader id
    if [ "$FOLLOWER" = 1 ]; then # the first follower: its writes are forwarded to the leader
        for id in 1 2 3; do if [ "$id" != "$leader" ]; then target=$id; break; fi; done
    fi
    wrk -t"$t" -c"$c" -d"${d}s" --timeout 10s --latency -s "$lua" "http://${http[$target]}" -- "$wrk_mode" "$prefix" \
        >"$work/wrk.out" 2>&1 || true
    grep -E '^RESULT' "$work/wrk.out" || true
}

leader_counters() { # -> "cpu_ns switches fsyncs messages followers_cpu_ns leader_changes"
    local m id f=0
    m=$(metrics_of "$leader")
    for id in 1 2 3; do [ "$id" != "$leader" ] && f=$((f + $(proc_cpu_ns "${pid[$id]}"))); done
    echo "$(proc_cpu_ns "${pid[$leader]}") $(proc_switches "${pid[$leader]}") $(metric_sum "$m" raftlab_fsync_seconds_count)" \
        "$(metric_sum "$m" raftlab_messages_sent_total) $f $(metric_sum "$m" raftlab_leader_changes_total)"
}

measured_writes=0
results=() # "label c writes_s p50_ms p99_ms cpu_us csw fsync msgs f_cpu_us mark"
measure() { # label connections run_number
    local label=$1 c=$2 n=$3 before after result req bad dur writes mark=
    log "$label run $n: $c connection(s), warm-up ${WARMUP} s"
    run_wrk "$c" "$WARMUP" "w$n-$label-c$c" >/dev/null
    before=$(leader_counters)
    if [ "$PROFILE" = 1 ]; then callgrind_control -i on "${pid[1]}" >/dev/null; fi
    result=$(run_wrk "$c" "$DURATION" "r$n-$label-c$c")
    if [ "$PROFILE" = 1 ]; then callgrind_control -i off "${pid[1]}" >/dev/null; fi
    after=$(leader_counters)
    if [ -z "$result" ]; then
        log "  wrk printed no RESULT:"
        tail -n 20 "$work/wrk.out" >&2
        return 0
    fi
    req=$(field "$result" requests); bad=$(field "$result" non200); dur=$(field "$result" duration_us)
    writes=$((req - bad))
    measured_writes=$((measured_writes + writes))
    [ "$writes" -gt 0 ] || { log "  no write answered 200"; return 0; }
    if [ "$(awk '{ print $6 }' <<<"$before")" != "$(awk '{ print $6 }' <<<"$after")" ]; then mark='*'; fi
    local row
    row=$(awk -v b="$before" -v a="$after" -v w="$writes" -v d="$dur" -v r="$result" -v label="$label" -v c="$c" -v mark="$mark" '
        function f(line, name,    i, n, kv) { n = split(line, kv, " "); for (i = 1; i <= n; ++i) if (index(kv[i], name "=") == 1) return substr(kv[i], length(name) + 2); return 0 }
        BEGIN {
            split(b, x, " "); split(a, y, " ")
            printf "%s %s %.0f %.2f %.2f %.1f %.2f %.3f %.2f %.1f %s\n", label, c, w / (d / 1e6),
                f(r, "p50_us") / 1000, f(r, "p99_us") / 1000, (y[1] - x[1]) / 1000 / w, (y[2] - x[2]) / w,
                (y[3] - x[3]) / w, (y[4] - x[4]) / w, (y[5] - x[5]) / 1000 / w, (mark == "" ? "-" : mark)
        }')
    results+=("$row")
    log "  $(awk '{ printf "%s c=%s: %s writes/s, p50 %s ms, p99 %s ms; per write: leader %s us CPU, %s switches, %s fsyncs, %s messages; followers %s us CPU%s", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ($11 == "*" ? " (LEADER CHANGED)" : "") }' <<<"$row")"
    if [ "$bad" -gt 0 ]; then log "  $bad answers were not 200: $(grep '^FIRST_NON200' "$work/wrk.out" || true)"; fi
}

idle_results=() # "label cpu_pct_leader switches_s_leader cpu_pct_follower switches_s_follower mark"
measure_idle() { # label run_number
    local label=$1 n=$2 id t0 t1 mark= c0 c1 row
    declare -A cpu0 sw0 cpu1 sw1
    log "$label run $n: idle, warm-up ${WARMUP} s, then ${IDLE} s"
    sleep "$WARMUP"
    c0=$(metric_sum "$(metrics_of "$leader")" raftlab_leader_changes_total)
    if [ "$PROFILE" = 1 ]; then callgrind_control -i on "${pid[1]}" >/dev/null; fi
    t0=$(date +%s%N)
    for id in 1 2 3; do cpu0[$id]=$(proc_cpu_ns "${pid[$id]}"); sw0[$id]=$(proc_switches "${pid[$id]}"); done
    sleep "$IDLE"
    t1=$(date +%s%N)
    for id in 1 2 3; do cpu1[$id]=$(proc_cpu_ns "${pid[$id]}"); sw1[$id]=$(proc_switches "${pid[$id]}"); done
    if [ "$PROFILE" = 1 ]; then callgrind_control -i off "${pid[1]}" >/dev/null; fi
    c1=$(metric_sum "$(metrics_of "$leader")" raftlab_leader_changes_total)
    [ "$c0" = "$c1" ] || mark='*'
    row="$label"
    local f_cpu=0 f_sw=0 cpu sw
    for id in 1 2 3; do
        cpu=$(awk -v a="${cpu0[$id]}" -v b="${cpu1[$id]}" -v ns=$((t1 - t0)) 'BEGIN { printf "%.3f", 100 * (b - a) / ns }')
        sw=$(awk -v a="${sw0[$id]}" -v b="${sw1[$id]}" -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", (b - a) / (ns / 1e9) }')
        log "  node $id$([ "$id" = "$leader" ] && echo ' (leader)'): $cpu % of a core, $sw switches/s"
        if [ "$id" = "$leader" ]; then
            row+=" $cpu $sw"
        elif awk -v a="$cpu" -v b="$f_cpu" 'BEGIN { exit !(a > b) }'; then
            f_cpu=$cpu f_sw=$sw
        fi
    done
    idle_results+=("$row $f_cpu $f_sw ${mark:--}")
}

report_idle() {
    echo
    echo "idle cost: 3 nodes, fsync always, $(nproc) cores; ${IDLE} s per run after ${WARMUP} s; CPU in % of one core"
    for label in A B; do
        [ -n "${binaries[$label]:-}" ] && echo "  $label = ${binaries[$label]}"
    done
    echo
    printf '%-4s %11s %15s %13s %17s\n' bin leader_cpu leader_switches follower_cpu follower_switches
    for row in "${idle_results[@]}"; do
        awk '{ printf "%-4s %11s %15s %13s %17s%s\n", $1, $2, $3, $4, $5, ($6 == "*" ? "  * leader changed" : "") }' <<<"$row"
    done
    if [ "${#binaries[@]}" = 2 ]; then
        echo
        echo "medians (runs where the leader changed left out):"
        for label in A B; do
            line=$label
            for col in 2 3 4 5; do
                line+=" $(printf '%s\n' "${idle_results[@]}" | awk -v l="$label" -v k="$col" '$1 == l && $6 == "-" { print $k }' | median)"
            done
            awk '{ printf "%-4s %11s %15s %13s %17s\n", $1, $2, $3, $4, $5 }' <<<"$line"
        done
        printf '%s\n' "${idle_results[@]}" | awk '
            $1 == "A" { a_l[++na] = $2; a_f[na] = $4 }
            $1 == "B" { b_l[++nb] = $2; b_f[nb] = $4 }
            END {
                n = (na < nb) ? na : nb; l = 0; f = 0
                for (i = 1; i <= n; ++i) { l += (b_l[i] < a_l[i]); f += (b_f[i] < a_f[i]) }
                printf "  B used less CPU than A in %d of %d pairs on the leader, %d on the follower\n", l, n, f
            }'
    fi
}

log "data dirs in $work ($fstype)"
run=0
for label in $order; do
    run=$((run + 1))
    start_cluster "${binaries[$label]}"
    log "$label (${binaries[$label]}) run $run: leader is node $leader"
    if [ "$IDLE" != 0 ]; then
        measure_idle "$label" "$run"
    else
        for c in $CONNECTIONS; do measure "$label" "$c" "$run"; done
    fi
    for id in 1 2 3; do
        kill -0 "${pid[$id]}" 2>/dev/null || { tail -n 20 "$work/n$id.log" >&2; die "node $id died during run $run"; }
    done
    if [ "$PROFILE" = 1 ]; then
        callgrind_control -d "${pid[1]}" >/dev/null || true
        sleep 1
    fi
    if [ "$TRACE" = 1 ]; then
        for id in 1 2 3; do
            echo "$id ${pid[$id]} $([ "$id" = "$leader" ] && echo leader || echo follower)"
        done >"$trace_dir/nodes.txt"
    fi
    stop_cluster
    if [ "$TRACE" = 1 ]; then
        echo
        echo "run $run ($label, ${binaries[$label]}), leader node $leader: where a write's time goes"
        python3 "$repo/bench/write_trace.py" "$trace_dir" || true
        echo
    fi
done

if [ "$IDLE" != 0 ]; then
    report_idle
    if [ "$PROFILE" = 1 ]; then
        out=$work/callgrind.out.1
        [ -s "$out" ] || out=$work/callgrind.out
        [ -s "$out" ] || die "callgrind wrote no profile (see $work/n1.log)"
        total=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }' || true)
        echo
        echo "callgrind, node 1 (the leader) idle: $total instructions in ${IDLE} s"
        callgrind_annotate "$out" 2>/dev/null | awk '/^-+$/ { ++dashes; next } dashes >= 3 && NF' | head -n "$PROFILE_TOP" || true
        cp "$out" "$parent/write-cost-idle-callgrind.out"
    fi
    exit 0
fi

echo
echo "write cost: 3 nodes, fsync always, $(nproc) cores, data on $fstype; wrk PUT 100-byte values, new key each;"
echo "${DURATION} s per run after ${WARMUP} s of warm-up; per write = per write answered 200 in the window"
for label in A B; do
    [ -n "${binaries[$label]:-}" ] && echo "  $label = ${binaries[$label]}"
done
echo
printf '%-4s %5s %9s %8s %8s %11s %8s %8s %8s %12s\n' bin conn writes/s p50_ms p99_ms leader_cpu_us switches fsyncs messages follower_cpu_us
for row in "${results[@]}"; do
    awk '{ printf "%-4s %5s %9s %8s %8s %11s %8s %8s %8s %12s%s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ($11 == "*" ? "  * leader changed" : "") }' <<<"$row"
done
if [ "${#binaries[@]}" = 2 ]; then
    echo
    echo "medians (runs where the leader changed left out):"
    printf '%-4s %5s %9s %8s %8s %11s %8s %8s %8s %12s\n' bin conn writes/s p50_ms p99_ms leader_cpu_us switches fsyncs messages follower_cpu_us
    for c in $CONNECTIONS; do
        for label in A B; do
            line="$label $c"
            for col in 3 4 5 6 7 8 9 10; do
                line+=" $(printf '%s\n' "${results[@]}" | awk -v l="$label" -v c="$c" -v k="$col" '$1 == l && $2 == c && $11 == "-" { print $k }' | median)"
            done
            awk '{ printf "%-4s %5s %9s %8s %8s %11s %8s %8s %8s %12s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }' <<<"$line"
        done
        # Pair by pair: in how many pairs B did better.
        printf '%s\n' "${results[@]}" | awk -v c="$c" '
            $2 == c && $1 == "A" { a_w[++na] = $3; a_c[na] = $6; a_p[na] = $4 }
            $2 == c && $1 == "B" { b_w[++nb] = $3; b_c[nb] = $6; b_p[nb] = $4 }
            END {
                n = (na < nb) ? na : nb; w = 0; cpu = 0; p = 0
                for (i = 1; i <= n; ++i) { w += (b_w[i] > a_w[i]); cpu += (b_c[i] < a_c[i]); p += (b_p[i] < a_p[i]) }
                printf "  %s conn, B better than A in %d of %d pairs for writes/s, %d for leader CPU per write, %d for p50\n", c, w, n, cpu, p
            }'
    done
fi

if [ "$PROFILE" = 1 ]; then
    out=$work/callgrind.out.1 # the dump of the measured window (callgrind_control -d)
    [ -s "$out" ] || out=$work/callgrind.out
    [ -s "$out" ] || die "callgrind wrote no profile (see $work/n1.log)"
    writes=$measured_writes
    total=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }' || true)
    echo
    echo "callgrind, leader (node 1) during the measured window: $total instructions for about $writes writes"
    awk -v t="$total" -v w="$writes" 'BEGIN { if (w > 0) printf "  %.0f instructions per write (timers and heartbeats of the window included)\n", t / w }'
    echo "  the functions that executed the most (self), of $out:"
    callgrind_annotate "$out" 2>/dev/null | awk '/^-+$/ { ++dashes; next } dashes >= 3 && NF' | head -n "$PROFILE_TOP" || true
    if [ "${KEEP_DATA:-0}" != 1 ]; then
        cp "$out" "$parent/write-cost-callgrind.out"
        echo "  (kept as $parent/write-cost-callgrind.out)"
    fi
fi
