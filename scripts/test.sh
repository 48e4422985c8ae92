#!/usr/bin/env bash
# Runs every test: Swift unit and integration tests, the interop tests with an
# independent WebSocket client (Python websockets), and the Autobahn conformance suite.
# Does its own setup on a fresh Debian/Ubuntu machine.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source scripts/lib.sh

ensure_server_packages
ensure_test_venv

# Real Redis and PostgreSQL for the integration tests, on free ports in a temp folder.
SERVICES=$(mktemp -d /tmp/stockpush-test-services.XXXXXX)
cleanup() {
    [ -n "${SERVER:-}" ] && { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; }
    scripts/services.sh stop "$SERVICES" >/dev/null 2>&1 || true
    rm -rf "$SERVICES" 2>/dev/null || true
}
trap cleanup EXIT
echo "== starting Redis and PostgreSQL for the tests in $SERVICES"
eval "$(scripts/services.sh start "$SERVICES")"
export REDIS_URL DATABASE_URL

echo "== swift test"
swift build --build-tests
swift test --skip-build --parallel

echo "== release build"
swift build -c release --product stockpush
BIN="$ROOT/.build/release/stockpush"

PORT=$(free_port)
LOG=$(mktemp)
"$BIN" migrate 2>>"$LOG"
"$BIN" serve --host 127.0.0.1 --port "$PORT" --echo --threads 2 --log-level warning --quote-interval 1 2>"$LOG" &
SERVER=$!
wait_for_http "$PORT"

echo "== interop tests (Python websockets) against port $PORT"
STOCKPUSH_URL="ws://127.0.0.1:$PORT" "$VENV_PYTHON" -m pytest -q Tests/interop Tests/deploy Tests/bench
STOCKPUSH_BIN="$BIN" "$VENV_PYTHON" -m pytest -q Tests/e2e

echo "== Autobahn|Testsuite (groups 1-10) against port $PORT"
AUTOBAHN="${AUTOBAHN_DIR:-$ROOT/../shared/autobahn}"
if [ -x "$AUTOBAHN/run.sh" ]; then
    "$AUTOBAHN/run.sh" "ws://127.0.0.1:$PORT/ws/echo" "${AUTOBAHN_OUT:-/tmp/stockpush-autobahn}" --no-deflate --strict --agent stockpush --timeout 900
else
    echo "Autobahn harness not found at $AUTOBAHN (set AUTOBAHN_DIR)" >&2
    exit 1
fi

kill -TERM "$SERVER"
wait "$SERVER"
SERVER=""
echo "== server exited cleanly after SIGTERM"
echo "All test stages passed."
