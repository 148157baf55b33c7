#!/bin/bash
# RaftLab beside etcd, in one command: the same load, the same machine, the same run.
#
#   bench/compare_etcd.sh            the full comparison (about 15 minutes)
#   bench/compare_etcd.sh --quick    a smoke run: every step, a few seconds each (about 3 minutes)
#
# What it does:
#  1. builds build/release/engine/raftlab-node (cmake --preset release; incremental), compiles
#     bench/probe.c, and installs etcd (Debian package etcd-server) and wrk with apt-get when missing;
#  2. measures the floors of this run: a 100-byte write + fdatasync on the disk holding the data dirs,
#     and a 100-byte TCP round trip on loopback between two processes on two different CPUs
#     (bench/probe.c; see the floors step for why pinned);
#  3. starts a 3-node RaftLab cluster (--fsync always) and a 3-node etcd (fsync on, its default) on
#     127.0.0.1, data dirs in one temp dir on the real disk, with equal timeouts and the same protocol
#     options (PreVote and CheckQuorum: RaftLab's defaults; etcd gets --pre-vote). etcd gets
#     --heartbeat-interval 50 --election-timeout 300 (RaftLab's default maximum; etcd refuses a
#     timeout under 5 heartbeats). etcd counts time in heartbeat ticks and draws its timeout from
#     [6, 12) ticks, so after the last heartbeat a follower gives up uniformly within [250, 550) ms.
#     RaftLab counts 10 ms ticks: to give up within the same [250, 550) ms it is given 260-560
#     (TIMEOUTS=effective, the default). TIMEOUTS=nominal gives it 300-600, which is 40 ms later on
#     average than etcd's "300";
#  4. measures both clusters idle (IDLE_SECONDS, default 30): CPU (utime+stime from /proc/<pid>/stat)
#     and VmRSS of every node;
#  5. drives both with wrk and bench/kv_load.lua: a new key per write with a 100-byte value (RaftLab
#     PUT /kv/<key>; etcd POST /v3/kv/put on its v3 HTTP gateway, base64 JSON), at 1, 16 and 64
#     connections, to the leader and through a follower; then linearizable reads of one key at 16
#     connections (RaftLab GET /kv/k; etcd POST /v3/kv/range). The two systems alternate run by run
#     (RaftLab first in odd repetitions, etcd first in even ones), so both see the same machine;
#  6. failover, FAILOVERS times for each (alternating): kill -9 the leader and time the first 200
#     answer to a write sent through a surviving node (bench/probe.c: a new attempt on a new connection
#     every 10 ms, not waiting for earlier ones, since etcd holds a write made while it has no leader);
#     the killed node is restarted and caught up in between. Each round's line names the surviving node's
#     term before and after: a rise of two or more means a split vote. A killed process closes its connections,
#     and RaftLab's followers take that as word that their leader is gone (they time out soon after the
#     minimum election timeout, not at their whole randomized one; etcd has no such rule).
#     FAILOVER_SIGNAL=stop freezes the leader (SIGSTOP) instead: its connections stay open, so both
#     systems wait out their timeouts (the frozen leader is then killed, restarted and caught up);
#  7. prints one table: RaftLab, etcd, the ratio, the target and whether it is met.
# Every wrk run counts non-200 answers and socket errors (the Lua response() hook and wrk's error
# counts), and a leader change during a run (term moved); a figure from a run with any of them is
# marked '!'. Every process started here is killed by its pid on exit, Ctrl-C included.
#
# Environment: REPEAT (runs per figure, default 3), DURATION (s per run, default 10), WARMUP (s, default 2),
# FAILOVERS (default 10), FAILOVER_SIGNAL (kill or stop, see 6.; default kill), IDLE_SECONDS (default 30), ELECTION_MS (T above, default 300), HEARTBEAT_MS
# (default 50), TIMEOUTS (effective or nominal, see 3.), STEPS (default "idle writes reads failover"), CONNECTIONS (default "1 16 64"), TARGETS
# (where writes go, default "leader follower"), BENCH_JOBS (build -j, default 2), SKIP_BUILD=1 (use the existing binary),
# NODE_BINARY=PATH (run that raftlab-node, no build), RAFTLAB_BENCH_DIR (parent of the temp dir; default
# build/release/bench), KEEP_DATA=1 (keep the temp dir: node logs, wrk outputs).
# The machine may be shared and noisy: compare the two columns of one run, not figures across runs.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
bench_name=compare_etcd
# shellcheck source=bench/common.sh
. "$repo/bench/common.sh"

quick=0
for arg in "$@"; do
    case "$arg" in
    --quick) quick=1 ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "compare_etcd.sh: unknown argument '$arg' (try --help)" >&2
        exit 2
        ;;
    esac
done
if [ "$quick" = 1 ]; then
    REPEAT=${REPEAT:-1}; DURATION=${DURATION:-2}; WARMUP=${WARMUP:-1}; FAILOVERS=${FAILOVERS:-2}
    IDLE_SECONDS=${IDLE_SECONDS:-5}; SYNC_COUNT=${SYNC_COUNT:-200}
fi
REPEAT=${REPEAT:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
FAILOVERS=${FAILOVERS:-10}
IDLE_SECONDS=${IDLE_SECONDS:-30}
SYNC_COUNT=${SYNC_COUNT:-1000}
ELECTION_MS=${ELECTION_MS:-300}
HEARTBEAT_MS=${HEARTBEAT_MS:-50}
TIMEOUTS=${TIMEOUTS:-effective}
FAILOVER_SIGNAL=${FAILOVER_SIGNAL:-kill}
case "$TIMEOUTS" in
effective) # etcd's own [T - H, 2T - H) after the last heartbeat, in RaftLab's 10 ms ticks
    RAFTLAB_ELECTION_MIN=$((ELECTION_MS - HEARTBEAT_MS + 10)); RAFTLAB_ELECTION_MAX=$((2 * ELECTION_MS - HEARTBEAT_MS + 10)) ;;
nominal) RAFTLAB_ELECTION_MIN=$ELECTION_MS; RAFTLAB_ELECTION_MAX=$((2 * ELECTION_MS)) ;;
*) echo "compare_etcd.sh: TIMEOUTS is effective or nominal" >&2; exit 2 ;;
esac
STEPS=" ${STEPS:-idle writes reads failover} "
CONNECTIONS=${CONNECTIONS:-"1 16 64"}
TARGETS=${TARGETS:-"leader follower"}
step() { [[ "$STEPS" == *" $1 "* ]]; }

# ---------------------------------------------------------------------------------------------------
# 1. Tools and binaries
require_commands wrk:wrk curl:curl etcd:etcd-server cc:gcc
etcd_version=$(etcd --version 2>/dev/null | sed -n 's/^etcd Version: //p')

resolve_node_binary
lua=$repo/bench/kv_load.lua

make_work_dir compare-etcd
probe=$work/probe
cc -O2 -o "$probe" "$repo/bench/probe.c" || die "cannot compile bench/probe.c"

# ---------------------------------------------------------------------------------------------------
# Processes: rl = RaftLab, et = etcd; node ids 1-3.
declare -A pid addr peer
cleanup() {
    local key
    for key in "${!pid[@]}"; do
        if [ -n "${pid[$key]}" ]; then kill -9 "${pid[$key]}" 2>/dev/null || true; fi
    done
    for key in "${!pid[@]}"; do
        if [ -n "${pid[$key]}" ]; then wait "${pid[$key]}" 2>/dev/null || true; fi
    done
    if [ -n "${wrk_pid:-}" ]; then kill "$wrk_pid" 2>/dev/null || true; fi
    if [ "${KEEP_DATA:-0}" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- RaftLab
rl_start() {
    local id=$1
    "$node_bin" --cluster "$work/rl/cluster.json" --id "$id" --data-dir "$work/rl/n$id" \
        >>"$work/rl/n$id.log" 2>&1 &
    pid[rl$id]=$!
}
rl_status() { curl -s --max-time 1 "http://${addr[rl$1]}/status" 2>/dev/null || true; }
words() { # the arguments, each empty one as '-': the fields stay in place for `read -a`
    local w out=
    for w in "$@"; do out+="${w:--} "; done
    echo "$out"
}
rl_view() { # id -> "role leader_id term applied"
    local s
    s=$(rl_status "$1")
    words "$(json_field "$s" role)" "$(json_field "$s" leader_id)" "$(json_field "$s" term)" "$(json_field "$s" last_applied)"
}
rl_up() {
    mkdir -p "$work/rl"
    cat >"$work/rl/cluster.json" <<EOF
{
  "cluster": "compare-etcd",
  "heartbeat_ms": $HEARTBEAT_MS,
  "election_timeout_ms": [$RAFTLAB_ELECTION_MIN, $RAFTLAB_ELECTION_MAX],
  "nodes": [
    {"id": 1, "raft": "${peer[rl1]}", "http": "${addr[rl1]}"},
    {"id": 2, "raft": "${peer[rl2]}", "http": "${addr[rl2]}"},
    {"id": 3, "raft": "${peer[rl3]}", "http": "${addr[rl3]}"}
  ]
}
EOF
    local id
    for id in 1 2 3; do rl_start "$id"; done
}

# --- etcd
et_start() {
    local id=$1
    etcd --name "n$id" --data-dir "$work/et/n$id" \
        --listen-client-urls "http://${addr[et$id]}" --advertise-client-urls "http://${addr[et$id]}" \
        --listen-peer-urls "http://${peer[et$id]}" --initial-advertise-peer-urls "http://${peer[et$id]}" \
        --initial-cluster "n1=http://${peer[et1]},n2=http://${peer[et2]},n3=http://${peer[et3]}" \
        --initial-cluster-state new --initial-cluster-token compare-etcd \
        --heartbeat-interval "$HEARTBEAT_MS" --election-timeout "$ELECTION_MS" --pre-vote \
        --logger zap --log-level warn >>"$work/et/n$id.log" 2>&1 &
    pid[et$id]=$!
}
et_status() { curl -s --max-time 1 -X POST -d '{}' "http://${addr[et$1]}/v3/maintenance/status" 2>/dev/null || true; }
declare -A et_member # etcd member id -> node id
et_view() { # id -> "role leader_id term applied", the same words as RaftLab's
    local s me leader role=follower leader_id=none
    s=$(et_status "$1")
    me=$(json_field "$s" member_id)
    leader=$(json_field "$s" leader)
    [ -n "$me" ] || { words "" "" "" ""; return; }
    if [ -n "$leader" ]; then
        leader_id=${et_member[$leader]:-none}
        if [ "$leader" = "$me" ]; then role=leader; fi
    fi
    words "$role" "$leader_id" "$(json_field "$s" raftTerm)" "$(json_field "$s" raftAppliedIndex)"
}
et_up() {
    mkdir -p "$work/et"
    local id
    for id in 1 2 3; do et_start "$id"; done
}
# Learns the member id of every etcd node (they keep it across restarts), here in the main shell:
# et_view runs in subshells, where it can only read et_member.
et_learn_members() {
    local deadline=$((SECONDS + 30)) id me known
    while [ $SECONDS -lt $deadline ]; do
        known=0
        for id in 1 2 3; do
            me=$(json_field "$(et_status "$id")" member_id)
            if [ -n "$me" ]; then et_member[$me]=$id; known=$((known + 1)); fi
        done
        [ "$known" = 3 ] && return 0
        sleep 0.1
    done
    die "etcd: the members did not answer within 30 s (logs in $work/et)"
}

# --- both
view() { "${1}_view" "$2"; }
alive() { [ -n "${pid[$1$2]:-}" ]; }
# Waits until every live node of system $1 names the same leader, which says it leads; prints its id.
wait_for_leader() {
    local sys=$1 deadline=$((SECONDS + ${2:-30})) id leader agreed v
    while [ $SECONDS -lt $deadline ]; do
        leader=
        agreed=yes
        for id in 1 2 3; do
            alive "$sys" "$id" || continue
            read -r -a v <<<"$(view "$sys" "$id") - - - -"
            if [ "${v[0]}" = leader ]; then leader=$id; fi
        done
        if [ -n "$leader" ]; then
            for id in 1 2 3; do
                alive "$sys" "$id" || continue
                read -r -a v <<<"$(view "$sys" "$id") - - - -"
                [ "${v[1]}" = "$leader" ] || agreed=
            done
            if [ -n "$agreed" ]; then echo "$leader"; return 0; fi
        fi
        sleep 0.05
    done
    return 1
}
term_of() { # sys id
    local v
    read -r -a v <<<"$(view "$1" "$2") - - - -"
    echo "${v[2]}"
}
declare -A leader
refresh_leader() { # sys [seconds to wait] [soft: return 1 instead of stopping]
    local now
    if ! now=$(wait_for_leader "$1" "${2:-30}"); then
        [ -n "${3:-}" ] && return 1
        tail -n 3 "$work/$1"/n?.log >&2 || true
        die "$1: no leader that every node agrees on within ${2:-30} s (node logs above)"
    fi
    if [ -n "${leader[$1]:-}" ] && [ "$now" != "${leader[$1]}" ]; then log "  NOTE: the $1 leader moved from node ${leader[$1]} to node $now"; fi
    leader[$1]=$now
}
follower_of() { # sys -> the first live node that is not the leader
    local id
    for id in 1 2 3; do
        if [ "$id" != "${leader[$1]}" ] && alive "$1" "$id"; then echo "$id"; return 0; fi
    done
    return 1
}
check_alive() {
    local key
    for key in "${!pid[@]}"; do
        [ -n "${pid[$key]}" ] || continue
        kill -0 "${pid[$key]}" 2>/dev/null || {
            tail -n 20 "$work/${key:0:2}/n${key:2}.log" >&2 || true
            die "node $key died (log above)"
        }
    done
}

# ---------------------------------------------------------------------------------------------------
# 2. Floors
log "data dirs in $work ($fstype on $(df -P "$work" | awk 'NR == 2 { print $1 }'))"
# The disk's sync time swings with the machine's other tenants: it is measured again right before each
# one-connection run pair, and the floor uses the median of all these measurements.
sync_p50s=; sync_rates=
measure_sync() { # count
    local line
    line=$("$probe" sync "$work/sync-probe" "$1")
    sync_p50s+="$(field "$line" p50_us) "
    sync_rates+="$(field "$line" per_s) "
}
log "floors: $SYNC_COUNT x (100-byte write + fdatasync), 20000 loopback round trips"
measure_sync "$SYNC_COUNT"
# The two ends of the round trip are pinned to two CPUs. Left to the kernel, they sometimes share one,
# and the round trip is then a context switch on that CPU (5-7 us here) instead of a wake-up of another
# (58-65 us): a floor that swings 2x from run to run. The nodes' messages are not that cheap in either
# system: three nodes and the client are busy on the machine's cores at once, and a one-connection
# write's hops between nodes take 50-70 us one way (docs/benchmarks.md). The same-CPU figure is logged.
if [ "$(nproc)" -ge 2 ]; then
    rtt_line=$("$probe" rtt 20000 0 1)
    same_cpu_line=$("$probe" rtt 20000 0 0)
    rtt_note="two CPUs; on one CPU $(field "$same_cpu_line" p50_us) us"
else
    rtt_line=$("$probe" rtt 20000)
    rtt_note="one CPU"
fi
rtt_p50_us=$(field "$rtt_line" p50_us)
log "  fdatasync p50 ${sync_p50s% } us, loopback round trip p50 ${rtt_p50_us} us ($rtt_note)"

# ---------------------------------------------------------------------------------------------------
# 3. Clusters
read -r -a ports <<<"$(pick_ports 12)"
for id in 1 2 3; do
    peer[rl$id]=127.0.0.1:${ports[$((id - 1))]}
    addr[rl$id]=127.0.0.1:${ports[$((id + 2))]}
    peer[et$id]=127.0.0.1:${ports[$((id + 5))]}
    addr[et$id]=127.0.0.1:${ports[$((id + 8))]}
done
log "starting RaftLab (http ${addr[rl1]} ${addr[rl2]} ${addr[rl3]}) and etcd $etcd_version (client ${addr[et1]} ${addr[et2]} ${addr[et3]})"
rl_up
et_up
refresh_leader rl
et_learn_members
refresh_leader et
log "leaders: RaftLab node ${leader[rl]}, etcd node ${leader[et]}"
# The key the reads read, 100 bytes like every value.
value100=$(printf 'v%.0s' $(seq 1 100))
curl -s -f -o /dev/null --max-time 5 -X PUT --data-binary "$value100" "http://${addr[rl${leader[rl]}]}/kv/k" ||
    die "RaftLab: cannot write the read key"
curl -s -f -o /dev/null --max-time 5 -X POST \
    -d "{\"key\":\"$(printf k | base64)\",\"value\":\"$(printf '%s' "$value100" | base64 -w0)\"}" \
    "http://${addr[et${leader[et]}]}/v3/kv/put" || die "etcd: cannot write the read key"

# ---------------------------------------------------------------------------------------------------
# 4. Idle
declare -A ticks0 idle_cpu idle_rss
if ! step idle; then IDLE_SECONDS=0; fi
log "idle: both clusters for ${IDLE_SECONDS} s"
for sys in rl et; do for id in 1 2 3; do ticks0[$sys$id]=$(proc_ticks "${pid[$sys$id]}"); done; done
t_idle0=$(date +%s%N)
sleep "$IDLE_SECONDS"
t_idle1=$(date +%s%N)
hz=$(getconf CLK_TCK)
for sys in rl et; do
    cpu_max=0; rss_max=0; detail=
    for id in 1 2 3; do
        cpu=$(awk -v a="${ticks0[$sys$id]}" -v b="$(proc_ticks "${pid[$sys$id]}")" -v hz="$hz" \
            -v ns=$((t_idle1 - t_idle0)) 'BEGIN { printf "%.2f", 100 * (b - a) / hz / (ns / 1e9) }')
        rss=$(awk -v k="$(proc_rss_kb "${pid[$sys$id]}")" 'BEGIN { printf "%.1f", k / 1024 }')
        detail+=" n$id ${cpu}%/${rss}MB"
        cpu_max=$(awk -v a="$cpu_max" -v b="$cpu" 'BEGIN { print (b > a) ? b : a }')
        rss_max=$(awk -v a="$rss_max" -v b="$rss" 'BEGIN { print (b > a) ? b : a }')
    done
    idle_cpu[$sys]=$cpu_max; idle_rss[$sys]=$rss_max
    log "  $sys idle (CPU % of one core / RSS):$detail"
done

# ---------------------------------------------------------------------------------------------------
# 5. wrk runs
declare -A runs_rps runs_p50 runs_p99 bad errs moved first_bad
run_id=$(date +%s)
run_wrk() { # sys target(leader|follower) connections seconds mode tag -> sets w_* variables
    local sys=$1 target=$2 c=$3 d=$4 mode=$5 tag=$6 t=2 node
    [ "$c" -lt 2 ] && t=1
    refresh_leader "$sys"
    node=${leader[$sys]}
    if [ "$target" = follower ]; then node=$(follower_of "$sys"); fi
    w_term0=$(term_of "$sys" "${leader[$sys]}")
    wrk -t"$t" -c"$c" -d"${d}s" --timeout 10s --latency -s "$lua" "http://${addr[$sys$node]}" \
        -- "$mode" "$tag" k >"$work/wrk.out" 2>&1 &
    wrk_pid=$!
    wait "$wrk_pid" || true
    wrk_pid=
    cat "$work/wrk.out" >>"$work/wrk.all"
    w_result=$(grep '^RESULT' "$work/wrk.out" || true)
    w_first=$(sed -n 's/^FIRST_NON200 //p' "$work/wrk.out")
    w_moved=0
    refresh_leader "$sys"
    [ "$(term_of "$sys" "${leader[$sys]}")" = "$w_term0" ] || w_moved=1
    check_alive
}
record() { # key sys -> appends the last run's figures
    local key=$1 sys=$2 req dur nb ne rps
    if [ -z "$w_result" ]; then
        log "  $key $sys: wrk printed no RESULT:"; tail -n 20 "$work/wrk.out" >&2
        bad[$key$sys]=$(( ${bad[$key$sys]:-0} + 1 )); return
    fi
    req=$(field "$w_result" requests); dur=$(field "$w_result" duration_us); nb=$(field "$w_result" non200)
    ne=$(( $(field "$w_result" connect_errors) + $(field "$w_result" read_errors) + $(field "$w_result" write_errors) + $(field "$w_result" timeouts) ))
    rps=$(awk -v n="$req" -v b="$nb" -v d="$dur" 'BEGIN { printf "%.0f", (n - b) / (d / 1e6) }')
    runs_rps[$key$sys]+="$rps "
    runs_p50[$key$sys]+="$(awk -v v="$(field "$w_result" p50_us)" 'BEGIN { printf "%.3f", v / 1000 }') "
    runs_p99[$key$sys]+="$(awk -v v="$(field "$w_result" p99_us)" 'BEGIN { printf "%.3f", v / 1000 }') "
    bad[$key$sys]=$(( ${bad[$key$sys]:-0} + nb ))
    errs[$key$sys]=$(( ${errs[$key$sys]:-0} + ne ))
    moved[$key$sys]=$(( ${moved[$key$sys]:-0} + w_moved ))
    if [ -n "$w_first" ] && [ -z "${first_bad[$key$sys]:-}" ]; then first_bad[$key$sys]=$w_first; fi
    log "  $key $sys: $rps/s, p50 $(field "$w_result" p50_us) us, p99 $(field "$w_result" p99_us) us, non-200 $nb, socket errors $ne$([ "$w_moved" = 1 ] && echo ', LEADER CHANGED')"
}
mode_of() { # sys kind
    case "$1-$2" in
    rl-write) echo raftlab-put ;; et-write) echo etcd-put ;;
    rl-read) echo raftlab-get ;; et-read) echo etcd-range ;;
    esac
}
cells=()
if step writes; then
    for c in $CONNECTIONS; do for target in $TARGETS; do cells+=("write $target $c"); done; done
fi
if step reads; then cells+=("read leader 16"); fi
for cell in ${cells[@]+"${cells[@]}"}; do
    read -r kind target c <<<"$cell"
    key="$kind-$target-$c"
    for sys in rl et; do
        log "$key $sys: warm-up ${WARMUP} s"
        run_wrk "$sys" "$target" "$c" "$WARMUP" "$(mode_of "$sys" "$kind")" "w$run_id-$key"
    done
    for r in $(seq 1 "$REPEAT"); do
        order="rl et"; [ $((r % 2)) = 0 ] && order="et rl"
        if [ "$key" = write-leader-1 ]; then measure_sync $((SYNC_COUNT / 2)); fi
        for sys in $order; do
            run_wrk "$sys" "$target" "$c" "$DURATION" "$(mode_of "$sys" "$kind")" "r$run_id-$key-$r"
            record "$key" "$sys"
        done
    done
done

# ---------------------------------------------------------------------------------------------------
# 6. Failover
write_request() { # sys id key -> an HTTP request writing 100 bytes to `key` through node `id`
    local body
    if [ "$1" = rl ]; then
        printf 'PUT /kv/%s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/octet-stream\r\nContent-Length: 100\r\nConnection: close\r\n\r\n%s' \
            "$3" "${addr[rl$2]}" "$value100"
    else
        body="{\"key\":\"$(printf '%s' "$3" | base64 -w0)\",\"value\":\"$(printf '%s' "$value100" | base64 -w0)\"}"
        printf 'POST /v3/kv/put HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
            "${addr[et$2]}" "${#body}" "$body"
    fi
}
restart_and_catch_up() { # sys id; fails when the cluster has no leader again within 120 s
    local sys=$1 id=$2 target v deadline
    "${sys}_start" "$id"
    # A restarted node loads its snapshot and log first: with millions of keys that takes a while.
    if ! refresh_leader "$sys" 120 soft; then
        log "  $sys: no leader that all three nodes agree on within 120 s of restarting node $id; its log ends:"
        tail -n 5 "$work/$sys/n$id.log" >&2 || true
        return 1
    fi
    read -r -a v <<<"$(view "$sys" "${leader[$sys]}") - - - -"
    target=${v[3]}
    deadline=$((SECONDS + 120))
    while [ $SECONDS -lt $deadline ]; do
        read -r -a v <<<"$(view "$sys" "$id") - - - -"
        if [[ "${v[3]}" =~ ^[0-9]+$ ]] && [ "${v[3]}" -ge "$target" ]; then return 0; fi
        sleep 0.1
    done
    log "  $sys node $id did not catch up to $target within 120 s (at ${v[3]})"
}
declare -A failover_ms failover_bad
failover_stopped=
case "$FAILOVER_SIGNAL" in
kill) stop_arg=; failover_verb=killed ;;
stop) stop_arg=stop; failover_verb=froze ;;
*) die "FAILOVER_SIGNAL is kill or stop" ;;
esac
step failover || FAILOVERS=0
for round in $(seq 1 "$FAILOVERS"); do
    [ -z "$failover_stopped" ] || break
    order="rl et"; [ $((round % 2)) = 0 ] && order="et rl"
    for sys in $order; do
        refresh_leader "$sys"
        old=${leader[$sys]}
        via=$(follower_of "$sys")
        write_request "$sys" "$via" "failover-$run_id-$round" >"$work/request"
        # The clock starts from a healthy cluster: a write through `via` succeeds first.
        write_request "$sys" "$via" "failover-pre-$run_id-$round" >"$work/request-pre"
        "$probe" write 127.0.0.1 "${addr[$sys$via]##*:}" "$work/request-pre" >/dev/null 2>&1 || true
        # The term before and after: a rise of more than one means more than one election (a split vote).
        read -r -a before <<<"$(view "$sys" "$via") - - - -"
        line=$("$probe" failover 127.0.0.1 "${addr[$sys$via]##*:}" "${pid[$sys$old]}" "$work/request" $stop_arg || true)
        kill -9 "${pid[$sys$old]}" 2>/dev/null || true # a frozen leader (FAILOVER_SIGNAL=stop) ends here
        wait "${pid[$sys$old]}" 2>/dev/null || true
        pid[$sys$old]=
        ms=$(field "$line" ms)
        read -r -a after <<<"$(view "$sys" "$via") - - - -"
        log "failover $round $sys: ${failover_verb} leader node $old; write through node $via acknowledged after ${ms:-?} ms ($(field "$line" attempts) attempts, last refusal: $(field "$line" last); term ${before[2]} -> ${after[2]})"
        if [ -z "$ms" ] || [ "$ms" = -1 ]; then
            failover_bad[$sys]=$(( ${failover_bad[$sys]:-0} + 1 ))
        else
            failover_ms[$sys]+="$ms "
        fi
        if ! restart_and_catch_up "$sys" "$old"; then
            failover_bad[$sys]=$(( ${failover_bad[$sys]:-0} + 1 ))
            failover_stopped="$sys did not recover after round $round"
            break
        fi
    done
done

# ---------------------------------------------------------------------------------------------------
# 7. Table
med() { tr ' ' '\n' <<<"$1" | grep -v '^$' | median; }
sync_p50_us=$(med "$sync_p50s"); sync_per_s=$(med "$sync_rates")
floor_us=$(awk -v s="$sync_p50_us" -v r="$rtt_p50_us" 'BEGIN { printf "%.0f", s + 2 * r }')
maxof() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | tail -n1; }
fmt() { # number -> with thousands separators / 2 decimals below 10
    awk -v v="$1" 'BEGIN {
        if (v == "" || v == "n/a") { print "n/a"; exit }
        if (v + 0 >= 1000) { s = sprintf("%.0f", v); out = ""; while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) } print s out }
        else if (v + 0 >= 10) printf "%.0f\n", v
        else printf "%.2f\n", v }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.2fx\n", a / b }'; }
verdict() { # condition as awk expression over a and b -> yes/no
    awk -v a="$1" -v b="$2" "BEGIN { if (a == \"n/a\" || b == \"n/a\") print \"n/a\"; else print (($3) ? \"yes\" : \"NO\") }"
}
mark() { # key sys -> '!' when that figure's runs saw errors or a leader change
    if [ $(( ${bad[$1$2]:-0} + ${errs[$1$2]:-0} + ${moved[$1$2]:-0} )) -gt 0 ]; then echo '!'; fi
}
row() { # label raftlab etcd ratio target met
    printf '%-44s %13s %13s %8s   %-26s %s\n' "$@"
}

echo
echo "RaftLab vs etcd $etcd_version: 3 nodes each on 127.0.0.1, fsync on, PreVote, heartbeat ${HEARTBEAT_MS} ms; election"
echo "timeouts: etcd ${ELECTION_MS}, RaftLab ${RAFTLAB_ELECTION_MIN}-${RAFTLAB_ELECTION_MAX} ($TIMEOUTS); $(nproc) cores; data on $fstype; wrk, a new key"
echo "per write, 100-byte values; medians of $REPEAT run(s) x ${DURATION} s, the systems alternating run by run"
echo "floors: 100-byte write + fdatasync p50 ${sync_p50_us} us (${sync_per_s}/s; median of the measurements ${sync_p50s% } us);"
echo "  loopback round trip p50 ${rtt_p50_us} us ($rtt_note); floor of one write = fdatasync + 2 round trips = ${floor_us} us"
echo
row "" RaftLab etcd ratio target met
declare -A verdicts
for cell in ${cells[@]+"${cells[@]}"}; do
    read -r kind target c <<<"$cell"
    key="$kind-$target-$c"
    what="writes/s"; [ "$kind" = read ] && what="linearizable reads/s"
    r_rps=$(med "${runs_rps[${key}rl]:-}"); e_rps=$(med "${runs_rps[${key}et]:-}")
    r_p50=$(med "${runs_p50[${key}rl]:-}"); e_p50=$(med "${runs_p50[${key}et]:-}")
    r_p99=$(med "${runs_p99[${key}rl]:-}"); e_p99=$(med "${runs_p99[${key}et]:-}")
    t_rps=; t_p50=; t_p99=; m_rps=; m_p50=; m_p99=
    if [ "$c" != 1 ] || [ "$kind" = read ]; then
        t_rps=">= 5x"; m_rps=$(verdict "$r_rps" "$e_rps" 'a >= 5 * b')
    fi
    if [ "$kind" = write ] && [ "$c" != 1 ]; then
        t_p99="<= 0.5x"; m_p99=$(verdict "$r_p99" "$e_p99" 'a <= 0.5 * b')
    fi
    if [ "$kind" = write ] && [ "$c" = 1 ] && [ "$target" = leader ]; then
        t_p50="<= 0.4x"; m_p50=$(verdict "$r_p50" "$e_p50" 'a <= 0.4 * b')
    fi
    row "$what, $c conn, $target" "$(fmt "$r_rps")$(mark "$key" rl)" "$(fmt "$e_rps")$(mark "$key" et)" \
        "$(ratio "$r_rps" "$e_rps")" "$t_rps" "$m_rps"
    row "  p50 ms" "$(fmt "$r_p50")" "$(fmt "$e_p50")" "$(ratio "$r_p50" "$e_p50")" "$t_p50" "$m_p50"
    row "  p99 ms" "$(fmt "$r_p99")" "$(fmt "$e_p99")" "$(ratio "$r_p99" "$e_p99")" "$t_p99" "$m_p99"
    if [ "$kind" = write ] && [ "$c" = 1 ] && [ "$target" = leader ]; then
        floor_ms=$(awk -v f="$floor_us" 'BEGIN { printf "%.3f", f / 1000 }')
        m_floor=$(verdict "$r_p50" "$floor_ms" 'a <= 2.5 * b')
        row "  p50 / floor (fsync + 2 round trips)" "$(ratio "$r_p50" "$floor_ms")" "$(ratio "$e_p50" "$floor_ms")" "" \
            "<= 2.5x floor" "$m_floor"
        verdicts[$m_floor]=$(( ${verdicts[$m_floor]:-0} + 1 ))
    fi
    for m in $m_rps $m_p50 $m_p99; do verdicts[$m]=$(( ${verdicts[$m]:-0} + 1 )); done
done
r_fo=$(med "${failover_ms[rl]:-}"); e_fo=$(med "${failover_ms[et]:-}")
fo_mark() { if [ "${failover_bad[$1]:-0}" -gt 0 ]; then echo "!"; fi; }
m_fo=$(verdict "$r_fo" "$e_fo" 'a <= b'); m_cpu=$(verdict "${idle_cpu[rl]}" 0 'a < 1'); m_rss=$(verdict "${idle_rss[rl]}" 0 'a < 30')
step failover || m_fo=n/a
step idle || { m_cpu=n/a; m_rss=n/a; }
for m in $m_fo $m_cpu $m_rss; do verdicts[$m]=$(( ${verdicts[$m]:-0} + 1 )); done
row "failover ($([ "$FAILOVER_SIGNAL" = stop ] && echo "leader frozen" || echo "kill -9 leader")), median ms" "$(fmt "$r_fo")$(fo_mark rl)" "$(fmt "$e_fo")$(fo_mark et)" "$(ratio "$r_fo" "$e_fo")" "<= 1x" "$m_fo"
row "  max ms (of $FAILOVERS)" "$(fmt "$(maxof "${failover_ms[rl]:-}")")" "$(fmt "$(maxof "${failover_ms[et]:-}")")" "" "" ""
row "idle node, CPU % of one core (max of 3)" "$(fmt "${idle_cpu[rl]}")" "$(fmt "${idle_cpu[et]}")" "$(ratio "${idle_cpu[rl]}" "${idle_cpu[et]}")" \
    "< 1%" "$m_cpu"
row "idle node, RSS MB (max of 3)" "$(fmt "${idle_rss[rl]}")" "$(fmt "${idle_rss[et]}")" "$(ratio "${idle_rss[rl]}" "${idle_rss[et]}")" \
    "< 30 MB" "$m_rss"
echo
echo "failover runs (ms): RaftLab ${failover_ms[rl]:-none}; etcd ${failover_ms[et]:-none}"
echo "wrk runs (writes or reads/s): $(for cell in ${cells[@]+"${cells[@]}"}; do read -r kind target c <<<"$cell"; printf '%s-%s-%s RaftLab %s/ etcd %s; ' "$kind" "$target" "$c" "${runs_rps[$kind-$target-${c}rl]:-}" "${runs_rps[$kind-$target-${c}et]:-}"; done)"
flagged=0
for cell in ${cells[@]+"${cells[@]}"}; do
    read -r kind target c <<<"$cell"
    for sys in rl et; do
        k="$kind-$target-$c"
        n=$(( ${bad[$k$sys]:-0} + ${errs[$k$sys]:-0} + ${moved[$k$sys]:-0} ))
        if [ "$n" -gt 0 ]; then
            flagged=1
            echo "! $k $sys: ${bad[$k$sys]:-0} non-200 answers, ${errs[$k$sys]:-0} socket errors, ${moved[$k$sys]:-0} run(s) with a leader change${first_bad[$k$sys]:+; first non-200: ${first_bad[$k$sys]}}"
        fi
    done
done
for sys in rl et; do
    if [ "${failover_bad[$sys]:-0}" -gt 0 ]; then flagged=1; echo "! failover $sys: ${failover_bad[$sys]} round(s) without an acknowledged write within 30 s or without a leader again after the restart"; fi
done
if [ -n "$failover_stopped" ]; then echo "! failover stopped early: $failover_stopped"; fi
[ "$flagged" = 0 ] && echo "every run clean: no non-200 answer, no socket error, no leader change during a run"
echo "targets met: ${verdicts[yes]:-0}; not met: ${verdicts[NO]:-0}"
