#!/usr/bin/env bash
# Local Redis and PostgreSQL for development and tests, in a data folder of our own.
#
#   scripts/services.sh start DIR [REDIS_PORT] [PG_PORT]   start both (ports default: free ones;
#                                                          REDIS_PORT `none`: PostgreSQL only)
#   scripts/services.sh stop DIR                            stop both
#   scripts/services.sh env DIR                             print REDIS_URL / DATABASE_URL exports
#
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres`
# system user (created by Debian's package). Everything listens on 127.0.0.1 only.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/lib.sh"

command=${1:?usage: services.sh start|stop|env DIR [REDIS_PORT] [PG_PORT]}
DIR=${2:?data folder}
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# Runs a PostgreSQL tool as the cluster's owner.
as_pg_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The cluster's folder: inside DIR when the owner can reach it, else under /tmp.
pg_data_dir() {
    if [ -L "$DIR/pg" ] || [ -d "$DIR/pg" ]; then readlink -f "$DIR/pg"; return; fi
    if [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$DIR" 2>/dev/null; then
        mkdir -p "$DIR/pg"
    else
        local elsewhere
        elsewhere=$(mktemp -d /tmp/stockpush-pg.XXXXXX)
        ln -s "$elsewhere" "$DIR/pg"
    fi
    [ "$(id -u)" -eq 0 ] && chown postgres: "$(readlink -f "$DIR/pg")"
    chmod 700 "$(readlink -f "$DIR/pg")"
    readlink -f "$DIR/pg"
}

start_redis() {
    local port=$1
    if [ -f "$DIR/redis.pid" ] && kill -0 "$(cat "$DIR/redis.pid")" 2>/dev/null; then return; fi
    mkdir -p "$DIR/redis"
    redis-server --port "$port" --bind 127.0.0.1 --dir "$DIR/redis" --daemonize yes \
        --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" --save '' --appendonly no >/dev/null
    echo "$port" > "$DIR/redis.port"
    for _ in $(seq 1 100); do
        redis-cli -p "$port" ping >/dev/null 2>&1 && return
        sleep 0.05
    done
    echo "redis-server did not start (see $DIR/redis.log)" >&2
    exit 1
}

start_postgres() {
    local port=$1 bin data
    bin=$(pg_bin)
    [ -n "$bin" ] || { echo "PostgreSQL binaries not found under /usr/lib/postgresql" >&2; exit 1; }
    data=$(pg_data_dir)
    if [ ! -f "$data/PG_VERSION" ]; then
        as_pg_owner "$bin/initdb" -D "$data" -U stockpush --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 ||
            { cat "$DIR/initdb.log" >&2; exit 1; }
    fi
    if ! as_pg_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        as_pg_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 30 \
            -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off" start >/dev/null ||
            { cat "$data/server.log" >&2; exit 1; }
        echo "$port" > "$DIR/pg.port"
    fi
    port=$(cat "$DIR/pg.port")
    "$bin/psql" -h 127.0.0.1 -p "$port" -U stockpush -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'stockpush'" | grep -q 1 ||
        "$bin/createdb" -h 127.0.0.1 -p "$port" -U stockpush stockpush
}

print_env() {
    [ -f "$DIR/redis.port" ] && echo "export REDIS_URL=redis://127.0.0.1:$(cat "$DIR/redis.port")/0"
    echo "export DATABASE_URL=postgres://stockpush@127.0.0.1:$(cat "$DIR/pg.port")/stockpush"
}

case "$command" in
start)
    [ "${3:-}" = none ] || start_redis "${3:-$(free_port)}"
    start_postgres "${4:-$(free_port)}"
    print_env
    ;;
stop)
    if [ -f "$DIR/redis.pid" ]; then kill "$(cat "$DIR/redis.pid")" 2>/dev/null || true; rm -f "$DIR/redis.pid"; fi
    if [ -e "$DIR/pg" ]; then
        as_pg_owner "$(pg_bin)/pg_ctl" -D "$(readlink -f "$DIR/pg")" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
env)
    print_env
    ;;
*)
    echo "unknown command $command" >&2
    exit 64
    ;;
esac
