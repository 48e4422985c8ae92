#!/usr/bin/env bash
# A local Redis Sentinel set for development and tests, in a data folder of our own:
# a primary and one replica (redis-server) watched by 1 or 3 sentinels (redis-sentinel),
# all on free ports of 127.0.0.1, tuned to fail over within a few seconds.
#
#   scripts/sentinel.sh start DIR [1|3]   start primary + replica + 1 (default) or 3 sentinels
#                                         (quorum 1 or 2) and print the exports below
#   scripts/sentinel.sh env DIR           print `export REDIS_SENTINELS=host:port,...` and
#                                         `export REDIS_MASTER_NAME=...` for `stockpush serve`
#   scripts/sentinel.sh primary DIR       print the current primary as host:port (asks a sentinel)
#   scripts/sentinel.sh kill-primary DIR  SIGKILL the current primary (a crash); prints its host:port.
#                                         The sentinels promote the replica after ~1 s down + election.
#   scripts/sentinel.sh stop DIR          stop every process of the set
#
# The master name is $REDIS_MASTER_NAME at start (default `stockpush`). Sentinels mark the
# primary down after 1000 ms (down-after-milliseconds) and a failover may take a few seconds.
# `start` returns once the sentinels know the replica (and, with 3, each other), so a
# failover can happen right away. Sentinel rewrites its own config files in DIR.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/lib.sh"

usage="usage: sentinel.sh start DIR [1|3] | env DIR | primary DIR | kill-primary DIR | stop DIR"
command=${1:?$usage}
DIR=${2:?$usage}
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"

# The first sentinel that answers, as a port.
ask_sentinels() {
    local port
    for port in $(cat "$DIR/sentinel.ports"); do
        if redis-cli -p "$port" "$@" 2>/dev/null; then return 0; fi
    done
    return 1
}

current_primary() {
    local reply
    reply=$(ask_sentinels SENTINEL get-master-addr-by-name "$(cat "$DIR/master.name")" | tr '\n' ' ')
    set -- $reply
    [ $# -eq 2 ] || { echo "no sentinel knows a primary for $(cat "$DIR/master.name")" >&2; return 1; }
    echo "$1:$2"
}

start_node() {
    local port=$1
    shift
    mkdir -p "$DIR/redis-$port"
    redis-server --port "$port" --bind 127.0.0.1 --dir "$DIR/redis-$port" --daemonize yes \
        --pidfile "$DIR/redis-$port.pid" --logfile "$DIR/redis-$port.log" --save '' --appendonly no "$@" >/dev/null
    for _ in $(seq 1 100); do
        redis-cli -p "$port" ping >/dev/null 2>&1 && return
        sleep 0.05
    done
    echo "redis-server did not start on $port (see $DIR/redis-$port.log)" >&2
    exit 1
}

start_sentinel() {
    local port=$1 primary=$2 quorum=$3 name=$4
    cat >"$DIR/sentinel-$port.conf" <<EOF
port $port
bind 127.0.0.1
daemonize yes
pidfile $DIR/sentinel-$port.pid
logfile $DIR/sentinel-$port.log
dir $DIR
sentinel monitor $name 127.0.0.1 $primary $quorum
sentinel down-after-milliseconds $name 1000
sentinel failover-timeout $name 4000
sentinel parallel-syncs $name 1
EOF
    redis-sentinel "$DIR/sentinel-$port.conf" >/dev/null
}

# Polls `condition` (a shell snippet) for up to ~20 s.
wait_until() {
    local what=$1 condition=$2
    for _ in $(seq 1 200); do
        if eval "$condition" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    echo "sentinel set in $DIR: timed out waiting for $what" >&2
    exit 1
}

# One field of `SENTINEL master NAME` (a flat list of field, value lines).
master_field() {
    redis-cli -p "$1" SENTINEL master "$(cat "$DIR/master.name")" | awk -v f="$2" 'prev == f { print; exit } { prev = $0 }'
}

print_env() {
    echo "export REDIS_SENTINELS=$(sed 's/^/127.0.0.1:/' "$DIR/sentinel.ports" | paste -sd, -)"
    echo "export REDIS_MASTER_NAME=$(cat "$DIR/master.name")"
}

stop_all() {
    local pidfile
    for pidfile in "$DIR"/sentinel-*.pid "$DIR"/redis-*.pid; do
        [ -f "$pidfile" ] || continue
        kill "$(cat "$pidfile")" 2>/dev/null || true
        rm -f "$pidfile"
    done
}

case "$command" in
start)
    count=${3:-1}
    case "$count" in 1) quorum=1 ;; 3) quorum=2 ;; *) echo "$usage" >&2; exit 64 ;; esac
    if [ -f "$DIR/sentinel.ports" ] && current_primary >/dev/null 2>&1; then print_env; exit 0; fi
    stop_all
    name=${REDIS_MASTER_NAME:-stockpush}
    echo "$name" >"$DIR/master.name"
    primary=$(free_port)
    replica=$(free_port)
    start_node "$primary"
    start_node "$replica" --replicaof 127.0.0.1 "$primary"
    wait_until "the replica to sync" \
        "redis-cli -p $replica INFO replication | grep -q 'master_link_status:up'"
    : >"$DIR/sentinel.ports"
    for _ in $(seq 1 "$count"); do
        port=$(free_port)
        echo "$port" >>"$DIR/sentinel.ports"
        start_sentinel "$port" "$primary" "$quorum" "$name"
    done
    for port in $(cat "$DIR/sentinel.ports"); do
        wait_until "sentinel $port to see the replica" "[ \"\$(master_field $port num-slaves)\" = 1 ]"
        wait_until "sentinel $port to see the other sentinels" \
            "[ \"\$(master_field $port num-other-sentinels)\" = $((count - 1)) ]"
    done
    print_env
    ;;
env)
    print_env
    ;;
primary)
    current_primary
    ;;
kill-primary)
    address=$(current_primary)
    port=${address##*:}
    [ -f "$DIR/redis-$port.pid" ] || { echo "the primary $address is not one of this set's nodes" >&2; exit 1; }
    kill -9 "$(cat "$DIR/redis-$port.pid")" 2>/dev/null || true
    rm -f "$DIR/redis-$port.pid"
    echo "$address"
    ;;
stop)
    stop_all
    ;;
*)
    echo "$usage" >&2
    exit 64
    ;;
esac
