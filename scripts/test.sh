#!/usr/bin/env bash
# Runs every test: the habit checks (no Foundation on the hot path, swift format lint),
# Swift unit and integration tests, the end-to-end tests of the release binary, the
# interop tests with an independent WebSocket client (Python websockets), the deployment
# (a real nginx) and benchmark-report checks, the Autobahn|Testsuite conformance run, and
# the cluster chaos tests (nginx in front of three instances).
# Does its own setup on a fresh Debian/Ubuntu machine. Any failing stage fails the run.
#
# AUTOBAHN_OUT: where the conformance report goes (default .build-autobahn/results).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source scripts/lib.sh

ensure_server_packages

# The fast checks first, so a careless commit fails in seconds rather than minutes.
echo "== habits: hot-path imports, file and function sizes, swift format lint"
habits=0
scripts/check-imports.sh || habits=1
python3 scripts/check-sizes.py || habits=1
swift format lint --strict -r Sources Tests Package.swift || { echo "swift format lint: not clean (fix with swift format -i)" >&2; habits=1; }
[ "$habits" -eq 0 ] || { echo "Habit checks failed." >&2; exit 1; }
echo "   clean"

ensure_test_venv

LOGS=$(mktemp -d /tmp/stockpush-test-logs.XXXXXX)
SERVICES=$(mktemp -d /tmp/stockpush-test-services.XXXXXX)
cleanup() {
    for pid in ${CONFORMANCE:-} ${SERVER:-} ${ECHO_SERVER:-}; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    scripts/services.sh stop "$SERVICES" >/dev/null 2>&1 || true
    rm -rf "$SERVICES" "$LOGS" 2>/dev/null || true
}
trap cleanup EXIT

# Autobahn|Testsuite needs Python 2.7; a machine without one skips that stage only.
CONFORMANCE=""
if find_python27 >/dev/null; then
    # Builds its virtualenv (first run only) while Swift compiles.
    scripts/conformance.sh --prepare >"$LOGS/prepare.log" 2>&1 &
    CONFORMANCE=$!
else
    echo "== Autobahn conformance skipped: no Python 2.7 interpreter (set AUTOBAHN_PYTHON2 or install 2.7 with pyenv)"
fi

echo "== starting Redis and PostgreSQL for the tests in $SERVICES"
eval "$(scripts/services.sh start "$SERVICES")"
export REDIS_URL DATABASE_URL

echo "== swift test"
swift build --build-tests
swift test --skip-build --parallel

echo "== release build"
swift build -c release --product stockpush
BIN="$ROOT/.build/release/stockpush"

"$BIN" migrate 2>>"$LOGS/server.log"
PORT=$(free_port)
"$BIN" serve --host 127.0.0.1 --port "$PORT" --echo --threads 2 --log-level warning --quote-interval 1 2>>"$LOGS/server.log" &
SERVER=$!
wait_for_http "$PORT" || { tail -n 20 "$LOGS/server.log" >&2; exit 1; }

# The conformance run has an echo server of its own with permessage-deflate on (groups 12
# and 13 need it; the interop tests keep the default, off) in benchmark mode, which needs
# no databases. It takes about 5 minutes (conformance.sh), so it runs in the background
# alongside the interop, end-to-end, browser and cluster stages; its output comes last.
if [ -n "$CONFORMANCE" ]; then
    if ! wait "$CONFORMANCE"; then
        cat "$LOGS/prepare.log" >&2
        echo "Autobahn|Testsuite setup failed." >&2
        exit 1
    fi
    ECHO_PORT=$(free_port)
    "$BIN" serve --host 127.0.0.1 --port "$ECHO_PORT" --echo --deflate on --bench 1:1 --threads 1 --log-level warning \
        2>>"$LOGS/echo-server.log" &
    ECHO_SERVER=$!
    wait_for_http "$ECHO_PORT" || { tail -n 20 "$LOGS/echo-server.log" >&2; exit 1; }
    echo "== Autobahn|Testsuite (groups 1-10, 12, 13) against port $ECHO_PORT (deflate on), alongside the interop tests"
    scripts/conformance.sh "ws://127.0.0.1:$ECHO_PORT/ws/echo" "${AUTOBAHN_OUT:-$ROOT/.build-autobahn/results}" \
        >"$LOGS/conformance.log" 2>&1 &
    CONFORMANCE=$!
fi

echo "== interop tests (Python websockets), deployment files, benchmark report, against port $PORT"
interop=0
STOCKPUSH_URL="ws://127.0.0.1:$PORT" STOCKPUSH_BIN="$BIN" "$VENV_PYTHON" -m pytest -q Tests/interop Tests/deploy Tests/bench ||
    interop=$?

kill -TERM "$SERVER"
shutdown=0
wait "$SERVER" || shutdown=$?
SERVER=""
if [ "$interop" -ne 0 ] || [ "$shutdown" -ne 0 ]; then
    echo "Failed: interop/deploy/bench pytest exit $interop, server exit after SIGTERM $shutdown." >&2
    tail -n 20 "$LOGS/server.log" >&2
    exit 1
fi
echo "== server exited cleanly after SIGTERM"

echo "== end-to-end tests (release binary with Redis and PostgreSQL)"
STOCKPUSH_BIN="$BIN" "$VENV_PYTHON" -m pytest -q Tests/e2e

echo "== browser tests (the server's pages in headless Chromium)"
STOCKPUSH_BIN="$BIN" "$VENV_PYTHON" -m pytest -q Tests/browser

echo "== cluster tests (nginx + 3 instances + Redis + PostgreSQL of their own, scripts/cluster.sh)"
STOCKPUSH_BIN="$BIN" "$VENV_PYTHON" -m pytest -q Tests/cluster

if [ -n "$CONFORMANCE" ]; then
    conformance=0
    wait "$CONFORMANCE" || conformance=$?
    CONFORMANCE=""
    echo "== Autobahn|Testsuite output"
    cat "$LOGS/conformance.log"
    kill -TERM "$ECHO_SERVER" 2>/dev/null || true
    wait "$ECHO_SERVER" 2>/dev/null || true
    ECHO_SERVER=""
    [ "$conformance" -eq 0 ] || { echo "Failed: Autobahn|Testsuite conformance exit $conformance." >&2; exit 1; }
fi

echo "All test stages passed."
