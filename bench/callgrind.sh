#!/usr/bin/env bash
# Counts the server's instructions per delivered frame in a workload-A-like run with
# valgrind's callgrind: deterministic where bench/run.sh's CPU clock is not (on a
# shared machine other processes and the hypervisor move µs/frame by ±20 %).
#
#   bench/callgrind.sh                      1,000 clients, 500 ms ticks, 20 s counted
#   bench/callgrind.sh --bin PATH           a given stockpush binary (default: release build)
#   bench/callgrind.sh --clients N --tick-ms M --seconds S --keep DIR
#   bench/callgrind.sh --generator          the load generator under callgrind instead
#   bench/callgrind.sh --uws                the uWebSockets peer (bench/peers) as the server:
#                                           the same count for the strongest peer
#
# The server runs `serve --bench 10:20 --threads 1` under callgrind (on a copy of the
# binary with its DWARF 5 debug info stripped, which valgrind 3.19 cannot read; the
# symbol table stays, so functions keep their names). The generator (`stockpush bench`,
# natively) connects, warms up, and when it starts measuring the counters are zeroed
# (`callgrind_control -z`); after S seconds they are dumped (`-d`). Frames are counted
# by the server itself: its calls to writev(2) (uWS: send(2)), one per client per tick in this
# workload. Ticks are slower than A's 100 ms because callgrind runs user code ~50x
# slower, and a server that falls behind merges ticks, which changes what a frame costs.
# With --generator the server runs natively and the generator (one thread) under
# callgrind, zeroed as its window starts and dumped at its exit (so closing 1,000
# connections and writing the report are in); frames are those it reports.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source scripts/lib.sh

BIN="" CLIENTS=1000 TICK=500 SECONDS_COUNTED=20 KEEP="" SIDE=server PEER=""
while [ $# -gt 0 ]; do
    case "$1" in
    --bin) BIN=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --tick-ms) TICK=$2; shift 2 ;;
    --seconds) SECONDS_COUNTED=$2; shift 2 ;;
    --keep) KEEP=$2; shift 2 ;;
    --generator) SIDE=generator; shift ;;
    --uws) PEER=$(bench/peers/build-uws.sh --portable 2>/tmp/uws-build.log) || { tail -n 3 /tmp/uws-build.log >&2; exit 1; }; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
    esac
done
ensure_packages valgrind binutils
if [ -z "$BIN" ]; then
    swift build -c release --product stockpush >/dev/null
    BIN="$ROOT/.build/release/stockpush"
fi
WORK=$(mktemp -d)
SERVER=""
GEN=""
trap '[ -n "$GEN" ] && kill "$GEN" 2>/dev/null; [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
objcopy --strip-debug "$BIN" "$WORK/stockpush"
PORT=$(free_port)
SERVE=(serve --host 127.0.0.1 --port "$PORT" --threads 1 --bench 10:20 --tick-ms "$TICK"
    --max-connections-per-ip 1000000 --heartbeat-interval 30 --log-level warning)
GRIND=(valgrind --tool=callgrind --demangle=no --callgrind-out-file="$WORK/callgrind.out.%p" "$WORK/stockpush")
if [ -n "$PEER" ]; then
    [ "$SIDE" = server ] || { echo "--uws measures the server side" >&2; exit 64; }
    SERVE=(--port "$PORT" --bench 10:20 --tick-ms "$TICK")
    GRIND=(valgrind --tool=callgrind --demangle=no --callgrind-out-file="$WORK/callgrind.out.%p" "$PEER")
fi
if [ "$SIDE" = server ]; then "${GRIND[@]}" "${SERVE[@]}" 2>"$WORK/server.log" & else "$BIN" "${SERVE[@]}" 2>"$WORK/server.log" & fi
SERVER=$!
for _ in $(seq 1 600); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
GENERATE=(bench --url "ws://127.0.0.1:$PORT/ws/stock/prices" --connections "$CLIENTS" --threads 1 --warmup 3 --json)
if [ "$SIDE" = server ]; then
    "$BIN" "${GENERATE[@]}" --duration $((SECONDS_COUNTED + 5)) >"$WORK/gen.json" 2>"$WORK/gen.log" &
else
    "${GRIND[@]}" "${GENERATE[@]}" --duration "$SECONDS_COUNTED" >"$WORK/gen.json" 2>"$WORK/gen.log" &
fi
GEN=$!
GRINDED=$([ "$SIDE" = server ] && echo "$SERVER" || echo "$GEN")
for _ in $(seq 1 3000); do grep -q "measuring" "$WORK/gen.log" 2>/dev/null && break; sleep 0.05; done
callgrind_control -z "$GRINDED" >/dev/null 2>&1
if [ "$SIDE" = server ]; then
    sleep "$SECONDS_COUNTED"
    callgrind_control -d "$GRINDED" >/dev/null 2>&1
    kill "$GEN" 2>/dev/null || true
fi
# The generator's dump is the one at its exit: its window plus closing and reporting.
wait "$GEN" 2>/dev/null || true
GEN=""
kill "$SERVER" 2>/dev/null || true
wait "$SERVER" 2>/dev/null || true
SERVER=""
# The server's: the dump taken by -d (callgrind.out.PID.1), not the one at its exit.
DUMP="$WORK/callgrind.out.$GRINDED.1"
[ "$SIDE" = generator ] && DUMP="$WORK/callgrind.out.$GRINDED"
[ -f "$DUMP" ] || { echo "no callgrind dump" >&2; cat "$WORK/server.log" >&2; exit 1; }
[ -n "$KEEP" ] && mkdir -p "$KEEP" && cp "$DUMP" "$KEEP/"
python3 "$ROOT/bench/callgrind_report.py" "$DUMP" "$CLIENTS" "$TICK" "$SIDE" "$WORK/gen.json"
