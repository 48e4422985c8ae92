#!/usr/bin/env bash
# Benchmarks StockPush against two peers on this machine, a uWebSockets server (C++,
# bench/peers/uws-server.cpp, built from pinned sources by bench/peers/build-uws.sh) and
# a Node `ws` server: the server under test pinned to CPU 0, the load generator
# (`stockpush bench`) to CPU 1. Prints one table with ratios to uWS and writes the raw
# results to bench/results/<date>.jsonl. Without uWS sources the table says so and
# keeps StockPush and Node.
#
#   bench/run.sh                 workloads A B C E F Z, 3 runs each (medians reported)
#   bench/run.sh --runs 1 A B    a quick look at some workloads
#   bench/run.sh --runs 1 D      scale-out (StockPush only; about 3 minutes)
#   bench/run.sh --bin PATH A    a given stockpush binary (server and generator), no build:
#                                old and new builds measured back to back, same weather
#
# Workloads (docs/benchmarks.md): A latency (1,000 clients, 10 strategies × 20 stocks,
# 100 ms ticks); B saturation (same at 10, 2 and 1 ms ticks); C memory (19,900 clients,
# 1 s ticks: a full process, the 20,000-file limit less the server's own descriptors);
# E handshakes (the same 19,900 connect + upgrade + subscribe as fast as possible,
# ticks once a minute so no fan-out runs meanwhile);
# F slow clients (A with 1 % of clients not reading); Z A with permessage-deflate (StockPush
# `--deflate on`, uWS's SHARED_COMPRESSOR, Node ws's perMessageDeflate; the generator
# offers the extension and counts bytes as they cross the wire). StockPush runs in bench mode
# (`serve --bench 10:20`): the feed is in-process, Redis is not in the path.
# D scale-out: 100,000 clients over 6 StockPush processes on one port (SO_REUSEPORT)
# sharing a Redis, ticks through Redis (`--bench-redis`), 1 s ticks, 10 strategies × 5
# stocks; neither servers nor generator pinned (one core cannot carry 100,000 frames/s
# of loopback TCP on either side); the generator splits itself over 6 processes.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source scripts/lib.sh

RUNS=3
BIN=""
WORKLOADS=()
while [ $# -gt 0 ]; do
    case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --bin) BIN=$(realpath "$2"); shift 2 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) WORKLOADS+=("$1"); shift ;;
    esac
done
[ ${#WORKLOADS[@]} -eq 0 ] && WORKLOADS=(A B C E F Z)

ensure_packages node-ws util-linux g++ zlib1g-dev
command -v node >/dev/null || ensure_packages nodejs
if [ -z "$BIN" ]; then
    swift build -c release --product stockpush >/dev/null
    BIN="$ROOT/.build/release/stockpush"
fi
export NODE_PATH=/usr/share/nodejs
UWS_LOG="$ROOT/.build-bench/uws-build.log"
mkdir -p "$ROOT/.build-bench"
TARGETS=(stockpush uws node)
if ! UWS_BIN=$(bench/peers/build-uws.sh 2>"$UWS_LOG"); then
    echo "== uWebSockets peer unavailable, the table keeps StockPush and Node: $(tail -n 1 "$UWS_LOG")"
    TARGETS=(stockpush node)
    UWS_BIN=""
fi
RESULTS="$ROOT/bench/results"
mkdir -p "$RESULTS"
STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
OUT="$RESULTS/$STAMP.jsonl"
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$WORK/redis.pid" ] && kill "$(cat "$WORK/redis.pid")"; rm -rf "$WORK"' EXIT

# CPU time and RSS summed over the server processes ($SPIDS). CPU time is the threads'
# run time in nanoseconds (schedstat), not 100 Hz ticks: at A's ~7 % of a core an 8 s
# window holds only ~55 ticks, and one tick more or less moved µs/frame by 2 %.
cpu_ns() { local pid; for pid in $SPIDS; do cat /proc/"$pid"/task/*/schedstat 2>/dev/null; done | awk '{sum += $1} END {printf "%.0f\n", sum}'; }
# User and system ticks (the split only; the total comes from cpu_ns).
user_sys_ticks() { local pid; for pid in $SPIDS; do awk '{print $14, $15}' "/proc/$pid/stat"; done | awk '{u += $1; s += $2} END {print u, s}'; }
# Hypervisor steal ticks on the server's core (CPU 0), or over all CPUs when unpinned (D):
# on a shared VM, time the host takes from the guest shows up as latency nothing here caused.
steal_ticks() { awk -v cpu="$1" '$1 == cpu {print $9}' /proc/stat; }
# Nanoseconds the server's threads spent runnable but waiting for a CPU: on a machine
# shared with other work, time on the server's own core that others took (not steal).
wait_ns() { local pid; for pid in $SPIDS; do cat /proc/"$pid"/task/*/schedstat 2>/dev/null; done | awk '{sum += $2} END {printf "%.0f\n", sum}'; }
rss_kib() { local sum=0 pid; for pid in $SPIDS; do sum=$((sum + $(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"))); done; echo $sum; }

REDIS_PORT=""
DEFLATE=""
start_redis() {  # a private Redis for workload D
    [ -n "$REDIS_PORT" ] && return 0
    ensure_packages redis-server
    REDIS_PORT=$(free_port)
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
        --logfile "$WORK/redis.log" --daemonize yes --pidfile "$WORK/redis.pid"
    for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.05; done
    echo "redis did not start" >&2; exit 1
}

# start_server target tick_ms [processes] -> sets SPIDS, PORT. One process is pinned to
# CPU 0; several (workload D) share a port and a Redis, unpinned.
start_server() {
    local target=$1 tick=$2 processes=${3:-1}
    PORT=$(free_port)
    SPIDS=""
    if [ "$target" = node ]; then
        taskset -c 0 node bench/peers/node-ws-server.js --port "$PORT" --bench 10:20 --tick-ms "$tick" \
            ${DEFLATE:+--deflate on} 2>"$WORK/server.log" &
        SPIDS=$!
    elif [ "$target" = uws ]; then
        taskset -c 0 "$UWS_BIN" --port "$PORT" --bench 10:20 --tick-ms "$tick" ${DEFLATE:+--compression shared} \
            2>"$WORK/server.log" &
        SPIDS=$!
    elif [ "$processes" = 1 ]; then
        taskset -c 0 "$BIN" serve --host 127.0.0.1 --port "$PORT" --threads 1 --bench 10:20 --tick-ms "$tick" ${DEFLATE:+--deflate on} \
            --max-connections-per-ip 1000000 --heartbeat-interval 30 --log-level warning 2>"$WORK/server.log" &
        SPIDS=$!
    else
        start_redis
        redis-cli -p "$REDIS_PORT" flushall >/dev/null
        for i in $(seq 1 "$processes"); do
            "$BIN" serve --host 127.0.0.1 --port "$PORT" --threads 1 --bench 10:5 --tick-ms "$tick" --bench-redis \
                --redis-url "redis://127.0.0.1:$REDIS_PORT/0" --redis-prefix bench --max-connections-per-ip 1000000 \
                --heartbeat-interval 30 --log-level warning 2>>"$WORK/server.log" &
            SPIDS="$SPIDS $!"
        done
    fi
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "server $target did not start" >&2; cat "$WORK/server.log" >&2; exit 1
}

# run_one workload target tick_ms connections stop_reading duration warmup [server processes]
run_one() {
    local workload=$1 target=$2 tick=$3 conns=$4 stop=$5 duration=$6 warmup=$7 processes=${8:-1}
    start_server "$target" "$tick" "$processes"
    sleep 0.3
    local empty_rss; empty_rss=$(rss_kib)
    local pin=(taskset -c 1) extra=() stealcpu=cpu0 stealshare=1
    # D: the generator shares both cores with the servers and paces its connects.
    [ "$processes" != 1 ] && pin=() && extra=(--connect-rate 4000) && stealcpu=cpu && stealshare=$(nproc)
    if [ -n "$DEFLATE" ]; then extra+=(--deflate); fi
    "${pin[@]}" "$BIN" bench --url "ws://127.0.0.1:$PORT/ws/stock/prices" --connections "$conns" "${extra[@]}" \
        --warmup "$warmup" --duration "$duration" --stop-reading "$stop" --json >"$WORK/gen.json" 2>"$WORK/gen.log" &
    local gen=$!
    local connect_cpu0 connect_steal0 connect_t0
    connect_cpu0=$(cpu_ns); connect_steal0=$(steal_ticks $stealcpu); connect_t0=$(date +%s.%N)
    # Sample the server over the generator's measured window (and, for handshakes,
    # over the connect phase before it).
    for _ in $(seq 1 9000); do grep -q "warming up\|measuring" "$WORK/gen.log" 2>/dev/null && break; sleep 0.02; done
    local connect_cpu1 connect_steal connect_seconds
    connect_cpu1=$(cpu_ns); connect_steal=$(($(steal_ticks $stealcpu) - connect_steal0))
    connect_seconds=$(python3 -c "print($(date +%s.%N) - $connect_t0)")
    for _ in $(seq 1 3000); do grep -q "measuring" "$WORK/gen.log" 2>/dev/null && break; sleep 0.05; done
    local cpu0 t0 cpu1 t1 rss steal0 steal1
    local wait0 wait1
    local us0 us1
    cpu0=$(cpu_ns); us0=$(user_sys_ticks); steal0=$(steal_ticks $stealcpu); wait0=$(wait_ns); t0=$(date +%s.%N)
    sleep "$(python3 -c "print(max(0.5, $duration - 0.5))")"
    cpu1=$(cpu_ns); us1=$(user_sys_ticks); steal1=$(steal_ticks $stealcpu); wait1=$(wait_ns); t1=$(date +%s.%N); rss=$(rss_kib)
    wait "$gen" || true
    kill $SPIDS 2>/dev/null || true; wait $SPIDS 2>/dev/null || true
    python3 - "$workload" "$target" "$tick" "$conns" "$cpu0" "$cpu1" "$t0" "$t1" "$empty_rss" "$rss" "$WORK/gen.json" \
        "$connect_cpu0" "$connect_cpu1" "$((steal1 - steal0))" "$stealshare" \
        "$connect_steal" "$connect_seconds" "$((wait1 - wait0))" "$BIN" "$us0" "$us1" >>"$OUT" <<'PY'
import json, sys
w, target, tick, conns, c0, c1, t0, t1, empty, rss, path, cc0, cc1, steal, stealshare, csteal, cseconds, waited, binary, us0, us1 = sys.argv[1:]
try:
    gen = json.load(open(path))
except Exception as error:
    gen = {"error": str(error)}
hz = 100.0
seconds = float(t1) - float(t0)
cpu = (int(c1) - int(c0)) / 1e9 / seconds if seconds > 0 else 0
user = int(us1.split()[0]) - int(us0.split()[0])
system = int(us1.split()[1]) - int(us0.split()[1])
fps = gen.get("frames_per_second", 0)
print(json.dumps({"workload": w, "target": target, "tick_ms": float(tick), "connections": int(conns),
                  "server_cpu": cpu, "server_us_per_frame": cpu / fps * 1e6 if fps else None,
                  "frames_per_cpu_second": fps / cpu if cpu else None,
                  # Share of the window's CPU time spent in user space (from ticks).
                  "server_user_share": user / (user + system) if user + system > 0 else None,
                  "rss_empty_kib": int(empty), "rss_kib": int(rss),
                  # Share of the server's core the hypervisor took during the window.
                  "steal": int(steal) / hz / int(stealshare) / seconds if seconds > 0 else None,
                  "connect_steal": int(csteal) / hz / int(stealshare) / float(cseconds) if float(cseconds) > 0 else None,
                  # Share of the window the server's threads waited, runnable, for a CPU.
                  "runqueue_wait": int(waited) / 1e9 / seconds if seconds > 0 else None,
                  "binary": binary if target == "stockpush" else None,
                  "rss_per_connection_bytes": (int(rss) - int(empty)) * 1024 / int(conns),
                  # Connect phase: handshakes (connect + upgrade + subscribe + snapshot) per
                  # second of server CPU, the capacity of one server core.
                  "connect_cpu_seconds": (int(cc1) - int(cc0)) / 1e9,
                  "handshakes_per_cpu_second": (gen.get("connections", {}).get("opened", 0) / ((int(cc1) - int(cc0)) / 1e9))
                  if int(cc1) > int(cc0) else None,
                  "generator": gen}))
PY
    echo "   $workload $target tick=${tick}ms conns=$conns: $(tail -n 1 "$OUT" | python3 -c 'import json,sys; r=json.load(sys.stdin); g=r["generator"]; print("fps=%s p99=%sms cpu=%.0f%% us/frame=%s steal=%.0f%% wait=%.0f%%" % (g.get("frames_per_second"), g.get("latency_ms",{}).get("p99"), r["server_cpu"]*100, ("%.2f" % r["server_us_per_frame"]) if r["server_us_per_frame"] else "-", (r.get("steal") or 0)*100, (r.get("runqueue_wait") or 0)*100))')"
}

echo "== $(date -u) on $(nproc) cores; results in $OUT"
for workload in "${WORKLOADS[@]}"; do
    for run in $(seq 1 "$RUNS"); do
        for target in "${TARGETS[@]}"; do
            case "$workload" in
            A) run_one A "$target" 100 1000 0 8 2 ;;
            D) if [ "$target" = stockpush ]; then run_one D stockpush 1000 100000 0 20 20 6; fi ;;
            B) for tick in 10 2 1; do run_one "B$tick" "$target" "$tick" 1000 0 6 2; done ;;
            C) run_one C "$target" 1000 19900 0 6 3 ;;
            # E: ticks once a minute, so the connect phase measures handshakes, not fan-out.
            E) run_one E "$target" 60000 19900 0 1 0 ;;
            F) run_one F "$target" 100 1000 1 8 2 ;;
            Z) DEFLATE=1 run_one Z "$target" 100 1000 0 8 2 ;;
            *) echo "unknown workload $workload" >&2; exit 64 ;;
            esac
        done
    done
done
python3 "$ROOT/bench/report.py" "$OUT"
