#!/usr/bin/env bash
# A StockPush cluster on one machine: Redis (with Sentinel when available), PostgreSQL,
# several `stockpush serve` instances sharing them, and nginx in front (deploy/nginx.conf).
#
#   scripts/cluster.sh up [DIR]            start in DIR (default .data/cluster), stay in the
#                                          foreground until Ctrl-C, then stop everything
#   scripts/cluster.sh start DIR           start everything in DIR, print the URLs, return
#   scripts/cluster.sh stop DIR            stop everything started in DIR
#   scripts/cluster.sh instance DIR N      (re)start instance N (same port, same id) if not running
#   scripts/cluster.sh env DIR             print the cluster's addresses as shell exports
#   scripts/cluster.sh render-nginx OUT LISTEN_PORT HOST:PORT...
#                                          write deploy/nginx.conf for these instances to OUT
#
# Settings (environment):
#   CLUSTER_INSTANCES   instances (default 3)          CLUSTER_PORT   nginx port (default 8080)
#   CLUSTER_SENTINEL    0: plain Redis instead of a Sentinel-monitored primary + replica
#   CLUSTER_QUOTE_INTERVAL  seconds between ticks (1)  CLUSTER_DRAIN_DELAY  SHUTDOWN_DRAIN_DELAY (1)
#   STOCKPUSH_BIN       the binary (default: .build/release/stockpush, built if missing)
# Instance N is `node-N` (INSTANCE_ID), listens on 127.0.0.1 at a free port kept in
# DIR/instance-N.port, logs to DIR/instance-N.log, and trusts nginx (TRUSTED_PROXIES).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/lib.sh"

INSTANCES=${CLUSTER_INSTANCES:-3}
LISTEN=${CLUSTER_PORT:-8080}
TEMPLATE="$ROOT/deploy/nginx.conf"

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }

# Writes the nginx template with the given listen port and upstream servers, and every
# path inside the folder of OUT (so nginx runs without touching /var or /run).
render_nginx() {
    local out=$1 listen=$2; shift 2
    local dir servers="" target
    dir="$(cd "$(dirname "$out")" && pwd)"
    for target in "$@"; do
        servers+="        server $target max_fails=2 fail_timeout=5s;\n"
    done
    mkdir -p "$dir/nginx-temp"
    local temp="    client_body_temp_path $dir/nginx-temp/body;\n"
    temp+="    proxy_temp_path $dir/nginx-temp/proxy;\n"
    temp+="    fastcgi_temp_path $dir/nginx-temp/fastcgi;\n"
    temp+="    uwsgi_temp_path $dir/nginx-temp/uwsgi;\n"
    temp+="    scgi_temp_path $dir/nginx-temp/scgi;"
    awk -v servers="$servers" -v temp="$temp" -v listen="$listen" -v dir="$dir" '
        /^[ \t]*# @upstream-begin/ { print; printf "%s", servers; skip = 1; next }
        /^[ \t]*# @upstream-end/ { skip = 0 }
        skip { next }
        /^[ \t]*# @local-paths/ { print temp; next }
        /^[ \t]*listen .*# @listen/ { sub(/listen [^;]*;/, "listen 127.0.0.1:" listen ";") }
        { gsub(/\/var\/log\/nginx\//, dir "/nginx-"); gsub(/\/run\/nginx\.pid/, dir "/nginx.pid"); print }
    ' "$TEMPLATE" > "$out"
}

binary() {
    local bin=${STOCKPUSH_BIN:-$ROOT/.build/release/stockpush}
    if [ ! -x "$bin" ]; then
        echo "== building the release binary (swift build -c release --product stockpush)" >&2
        (cd "$ROOT" && swift build -c release --product stockpush >&2)
    fi
    echo "$bin"
}

# Whether process $1 runs (a zombie does not: init may not reap it, as in some containers).
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }
running() { [ -f "$1" ] && alive "$(cat "$1")"; }

# Waits up to $2 s until /readyz on 127.0.0.1:$1 answers 200.
wait_ready() {
    local port=$1 seconds=$2 i
    for i in $(seq 1 $((seconds * 10))); do
        if python3 - "$port" <<'PY' 2>/dev/null; then return 0; fi
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.5)
s.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
assert s.recv(16).startswith(b"HTTP/1.1 200")
PY
        sleep 0.1
    done
    return 1
}

# Redis (Sentinel-monitored primary + replica via scripts/sentinel.sh when present and the
# server knows REDIS_SENTINELS; else one plain Redis) and PostgreSQL, exports in DIR/data.env.
start_services() {
    local dir=$1 bin=$2
    local sentinel=0
    if [ "${CLUSTER_SENTINEL:-1}" != 0 ] && [ -x "$ROOT/scripts/sentinel.sh" ] &&
        "$bin" serve --help 2>&1 | grep -c -- --redis-sentinels >/dev/null; then
        sentinel=1
    fi
    if [ "$sentinel" = 1 ]; then
        "$ROOT/scripts/sentinel.sh" start "$dir/sentinel" 3 >/dev/null
        "$ROOT/scripts/services.sh" start "$dir/services" none >/dev/null
        { "$ROOT/scripts/sentinel.sh" env "$dir/sentinel"; "$ROOT/scripts/services.sh" env "$dir/services"; } > "$dir/data.env"
        touch "$dir/sentinel.mode"
    else
        "$ROOT/scripts/services.sh" start "$dir/services" > "$dir/data.env"
        rm -f "$dir/sentinel.mode"
    fi
}

# Starts instance N unless it runs; keeps its port across restarts (nginx knows it).
start_instance() {
    local dir=$1 n=$2 bin port
    bin=$(binary)
    running "$dir/instance-$n.pid" && return 0
    [ -f "$dir/instance-$n.port" ] || free_port > "$dir/instance-$n.port"
    port=$(cat "$dir/instance-$n.port")
    (
        # Only the cluster's own Redis and PostgreSQL, whatever the caller has exported.
        unset REDIS_URL REDIS_SENTINELS REDIS_MASTER_NAME DATABASE_URL
        set -a
        source "$dir/data.env"
        set +a
        export HOST=127.0.0.1 PORT="$port" INSTANCE_ID="node-$n" REDIS_PREFIX="${CLUSTER_PREFIX:-stockpush}"
        export TRUSTED_PROXIES=127.0.0.1/32 QUOTE_INTERVAL="${CLUSTER_QUOTE_INTERVAL:-1}" THREADS="${CLUSTER_THREADS:-2}"
        export SHUTDOWN_DRAIN_DELAY="${CLUSTER_DRAIN_DELAY:-1}" MIGRATIONS_DIR="$ROOT/migrations"
        export LOG_LEVEL="${CLUSTER_LOG_LEVEL:-info}"
        cd "$dir"
        exec setsid "$bin" serve >>"$dir/instance-$n.log" 2>&1 </dev/null
    ) &
    echo $! > "$dir/instance-$n.pid"
    if ! wait_ready "$port" 30; then
        echo "instance $n (port $port) not ready within 30 s; its log:" >&2
        tail -n 20 "$dir/instance-$n.log" >&2
        return 1
    fi
}

start_nginx() {
    local dir=$1 targets=() n
    running "$dir/nginx.pid" && return 0
    for n in $(seq 1 "$INSTANCES"); do targets+=("127.0.0.1:$(cat "$dir/instance-$n.port")"); done
    render_nginx "$dir/nginx.conf" "$LISTEN" "${targets[@]}"
    echo "$LISTEN" > "$dir/nginx.port"
    nginx -p "$dir" -c "$dir/nginx.conf" -q || { tail -n 5 "$dir/nginx-error.log" >&2; return 1; }
    wait_ready "$LISTEN" 10 || { echo "nginx on :$LISTEN does not answer" >&2; return 1; }
}

print_env() {
    local dir=$1 n
    echo "export CLUSTER_HTTP=http://127.0.0.1:$(cat "$dir/nginx.port")"
    echo "export CLUSTER_WS=ws://127.0.0.1:$(cat "$dir/nginx.port")/ws/stock/prices"
    for n in $(seq 1 "$INSTANCES"); do echo "export CLUSTER_INSTANCE_$n=http://127.0.0.1:$(cat "$dir/instance-$n.port")"; done
    cat "$dir/data.env"
}

start_all() {
    local dir=$1 bin n
    bin=$(binary)
    command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install nginx)" >&2; exit 1; }
    start_services "$dir" "$bin"
    (unset DATABASE_URL; set -a; source "$dir/data.env"; "$bin" migrate --migrations-dir "$ROOT/migrations" >>"$dir/migrate.log" 2>&1) ||
        { cat "$dir/migrate.log" >&2; exit 1; }
    for n in $(seq 1 "$INSTANCES"); do start_instance "$dir" "$n"; done
    start_nginx "$dir"
    local port
    port=$(cat "$dir/nginx.port")
    cat <<EOF
StockPush cluster in $dir ($INSTANCES instances behind nginx$([ -f "$dir/sentinel.mode" ] && echo ", Redis with Sentinel")):
  price stream   ws://127.0.0.1:$port/ws/stock/prices
  admin API      http://127.0.0.1:$port/api/websocket/stats
  health         http://127.0.0.1:$port/healthz
EOF
    for n in $(seq 1 "$INSTANCES"); do
        echo "  node-$n         http://127.0.0.1:$(cat "$dir/instance-$n.port")  (log $dir/instance-$n.log)"
    done
    sed 's/^export /  /' "$dir/data.env"
}

stop_all() {
    local dir=$1 pid n
    if running "$dir/nginx.pid"; then nginx -p "$dir" -c "$dir/nginx.conf" -s quit 2>/dev/null || kill "$(cat "$dir/nginx.pid")"; fi
    for file in "$dir"/instance-*.pid; do
        [ -f "$file" ] && running "$file" && kill -TERM "$(cat "$file")" 2>/dev/null || true
    done
    for file in "$dir"/instance-*.pid; do
        [ -f "$file" ] || continue
        pid=$(cat "$file")
        for _ in $(seq 1 150); do alive "$pid" || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        rm -f "$file"
    done
    if [ -d "$dir/sentinel" ] && [ -x "$ROOT/scripts/sentinel.sh" ]; then "$ROOT/scripts/sentinel.sh" stop "$dir/sentinel" || true; fi
    [ -d "$dir/services" ] && "$ROOT/scripts/services.sh" stop "$dir/services" || true
    for _ in $(seq 1 50); do running "$dir/nginx.pid" || break; sleep 0.1; done
    rm -f "$dir/nginx.pid"
}

command=${1:-}
case "$command" in
up)
    DIR=${2:-$ROOT/.data/cluster}
    mkdir -p "$DIR"
    DIR="$(cd "$DIR" && pwd)"
    trap 'echo; echo "== stopping the cluster"; stop_all "$DIR"; exit 0' INT TERM
    start_all "$DIR" || { stop_all "$DIR"; exit 1; }
    echo "Ctrl-C stops the cluster."
    while true; do sleep 1; done
    ;;
start | stop | instance | env)
    DIR=${2:?data folder}
    mkdir -p "$DIR"
    DIR="$(cd "$DIR" && pwd)"
    case "$command" in
    start) start_all "$DIR" ;;
    stop) stop_all "$DIR" ;;
    instance) start_instance "$DIR" "${3:?instance number}" ;;
    env) print_env "$DIR" ;;
    esac
    ;;
render-nginx)
    [ $# -ge 4 ] || usage
    shift
    render_nginx "$@"
    ;;
*) usage ;;
esac
