# Shared by bench/cluster_bench.sh, bench/write_cost.sh and bench/compare_etcd.sh (sourced, not run): logging, Debian
# packages, the release binary, the data dir on a real disk, free ports, and the small parsers of
# /status, wrk's RESULT lines and /proc. The sourcing script sets `bench_name` (the log prefix) and runs
# from the repository's root, with `repo` set.

log() { printf '[%s %s] %s\n' "$bench_name" "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Installs Debian packages with apt-get (as root, or through sudo).
install_packages() {
    local sudo=
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null || die "need root or sudo to install: $*"
        sudo=sudo
    fi
    log "installing $* with apt-get"
    if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null; then
        $sudo apt-get update >/dev/null
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null
    fi
}
# Installs whichever of "command:package" pairs is missing, in one apt-get.
require_commands() {
    local pair missing=()
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
    done
    if [ ${#missing[@]} -gt 0 ]; then install_packages "${missing[@]}"; fi
}

# Sets node_bin: NODE_BINARY as given, or build/release/engine/raftlab-node, built unless SKIP_BUILD=1.
resolve_node_binary() {
    if [ -n "${NODE_BINARY:-}" ]; then
        log "NODE_BINARY: using $NODE_BINARY (no build)"
    elif [ "${SKIP_BUILD:-0}" = 1 ]; then
        log "SKIP_BUILD=1: using the existing build/release/engine/raftlab-node"
    else
        # The node as shipped takes tcmalloc when it is there at build time (engine/CMakeLists.txt).
        dpkg-query -W -f='${db:Status-Status}' libtcmalloc-minimal4 2>/dev/null | grep -qx installed ||
            install_packages libtcmalloc-minimal4
        log "building the release preset (raftlab-node)"
        cmake --preset release >/dev/null || die "cmake --preset release failed (see above)"
        cmake --build --preset release -j "${BENCH_JOBS:-2}" --target raftlab-node >/dev/null ||
            die "the release build failed (run: cmake --build --preset release --target raftlab-node)"
    fi
    node_bin=${NODE_BINARY:-$repo/build/release/engine/raftlab-node}
    [ -x "$node_bin" ] || die "no $node_bin"
    if ldd "$node_bin" 2>/dev/null | grep -q libtcmalloc_minimal; then
        log "allocator: tcmalloc"
    else
        log "allocator: not linked with tcmalloc (glibc's malloc, unless preloaded): at 64 connections the leader then spends about half as much CPU again per write (docs/benchmarks.md, \"The allocator\")"
    fi
}

# Sets `parent`, `work` (a new temp dir named $1.XXXXXX) and `fstype`: never tmpfs, where fdatasync
# costs nothing.
make_work_dir() {
    parent=${RAFTLAB_BENCH_DIR:-$repo/build/release/bench}
    mkdir -p "$parent"
    work=$(mktemp -d "$parent/$1.XXXXXX")
    # findmnt names the mounted type (ext4); stat -f reports the ext family's one magic as "ext2/ext3".
    fstype=$(findmnt -n -o FSTYPE --target "$work" 2>/dev/null || stat -f -c %T "$work")
    if [ "$fstype" = tmpfs ] || [ "$fstype" = ramfs ]; then
        rm -rf "$work"
        die "$parent is on $fstype, where fdatasync costs nothing: set RAFTLAB_BENCH_DIR to a real disk"
    fi
}

# Listening TCP ports right now (IPv4 and IPv6), decimal, from /proc (no iproute2 needed).
listening_ports() {
    local hex
    for hex in $(awk 'FNR > 1 && $4 == "0A" { n = split($2, a, ":"); print a[n] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null); do
        echo $((16#$hex))
    done
}
# Ports below the kernel's ephemeral range: a port inside it can be taken by any outgoing connection
# (wrk's, a node's) while the node that listens on it is down between a kill and its restart.
ephemeral_low=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
[ "$ephemeral_low" -gt 12000 ] || ephemeral_low=32768
pick_ports() { # count -> distinct free ports in [10000, ephemeral_low); a race is caught by the bind error
    local used port n=0 chosen=" "
    used=" $(listening_ports | tr '\n' ' ') "
    while [ $n -lt "$1" ]; do
        port=$((10000 + (RANDOM * 32768 + RANDOM) % (ephemeral_low - 10000)))
        case "$used$chosen" in *" $port "*) continue ;; esac
        chosen+="$port "
        n=$((n + 1))
    done
    echo $chosen
}

json_field() { # crude: the first "name": value in a JSON text
    sed -n "s/.*\"$2\":[ ]*\"\{0,1\}\([^,\"}]*\).*/\1/p" <<<"$1" | head -n1
}
field() { # the value of name=value in a line such as wrk's RESULT line (bench/kv_load.lua)
    sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# CPU time (clock ticks, utime+stime) and resident memory of a process.
proc_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
proc_rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# Picks six free ports for nodes 1-3 (sets raft[id] and http[id], the caller's arrays) and writes them
# to $work/cluster.json with the default timing: one cluster layout for every benchmark that starts nodes.
# A second argument adds "snapshot_every" with that value.
write_three_node_config() { # cluster name [snapshot_every]
    local ports id extra=
    if [ -n "${2:-}" ]; then extra="\"snapshot_every\": $2,"; fi
    read -r -a ports <<<"$(pick_ports 6)"
    for id in 1 2 3; do
        raft[$id]=127.0.0.1:${ports[$((id - 1))]}
        http[$id]=127.0.0.1:${ports[$((id + 2))]}
    done
    cat >"$work/cluster.json" <<EOF
{
  "cluster": "$1",
  "heartbeat_ms": 50,
  "election_timeout_ms": [150, 300],$extra
  "nodes": [
    {"id": 1, "raft": "${raft[1]}", "http": "${http[1]}"},
    {"id": 2, "raft": "${raft[2]}", "http": "${http[2]}"},
    {"id": 3, "raft": "${raft[3]}", "http": "${http[3]}"}
  ]
}
EOF
}
