#!/usr/bin/env bash
# RFC 6455 and RFC 7692 conformance: runs Autobahn|Testsuite's fuzzing client (groups
# 1-10, and 12 and 13, which test permessage-deflate: compressed messages of every size
# and fragmentation, and the negotiation parameters) against a WebSocket echo endpoint
# and judges the report. Group 11 does not exist; 8 is empty in this version.
#
#   scripts/conformance.sh ws://127.0.0.1:8000/ws/echo OUT
#   scripts/conformance.sh --prepare      only build the virtualenv (scripts/test.sh does
#                                         this while Swift compiles)
#
# The server must echo every message on that URL with permessage-deflate on
# (`stockpush serve --echo --deflate on`; without it 12 and 13 are UNIMPLEMENTED, a
# failure). Groups 12 and 13 send 1000 messages a case; the cases of 64 and 128 KiB
# messages take ~15 s each, ~20 minutes for all 216 cases of the two groups. By default
# those large cases run for 12.1 (JSON: every size, fragmented and not) only, which
# keeps the whole run near 5 minutes; AUTOBAHN_DEFLATE_LARGE=1 runs them everywhere.
# AUTOBAHN_CASES (a JSON list of case patterns, e.g. '["12.1.*"]') runs a subset while
# developing. OUT gets
# the spec, wstest.log, report/ (index.html for a browser) and summary.json.
# Autobahn|Testsuite runs on Python 2.7 only: the interpreter is $AUTOBAHN_PYTHON2, else
# pyenv's 2.7.x, else python2.7 on PATH. Its virtualenv is built once in .build-autobahn/
# (or $AUTOBAHN_BUILD_DIR) with the versions pinned in scripts/autobahn-constraints.txt
# (needs PyPI the first time, about a minute; rebuilt when the pins change).
# AUTOBAHN_TIMEOUT (seconds, default 900) bounds the run.
#
# Exit status: 0 every case OK or INFORMATIONAL; 1 a case FAILED, NON-STRICT, other or
# missing; 2 setup error (bad arguments, install failed, timeout, no report); 3 no Python 2.7.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/lib.sh"

CASES=${AUTOBAHN_CASES:-'["1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "9.*", "10.*", "12.*", "13.*"]'}
VERSION=25.10.1
CONSTRAINTS="$ROOT/scripts/autobahn-constraints.txt"
HOME_DIR="${AUTOBAHN_BUILD_DIR:-$ROOT/.build-autobahn}"
VENV="$HOME_DIR/py27"

fail() { echo "conformance.sh: $2" >&2; exit "$1"; }

PREPARE=""
[ "${1:-}" = "--prepare" ] && [ $# -eq 1 ] && PREPARE=1
[ -n "$PREPARE" ] || [ $# -eq 2 ] || fail 2 "usage: scripts/conformance.sh ws://HOST:PORT/PATH OUT | --prepare"
URL=${1:-}
OUT=${2:-}
[ -n "$PREPARE" ] || case "$URL" in ws://* | wss://*) ;; *) fail 2 "not a WebSocket URL: $URL" ;; esac

# Builds the Python 2.7 virtualenv with wstest unless the one there matches the pins.
ensure_wstest() {
    local stamp="$VENV/.constraints"
    if [ -x "$VENV/bin/wstest" ] && cmp -s "$CONSTRAINTS" "$stamp"; then return 0; fi
    local python
    python=$(find_python27) ||
        fail 3 "no Python 2.7 interpreter (Autobahn|Testsuite needs one): set AUTOBAHN_PYTHON2, or install 2.7 with pyenv"
    echo "== building $VENV: autobahntestsuite $VERSION on $("$python" --version 2>&1) ($python)"
    rm -rf "$VENV" "$HOME_DIR/virtualenv-pkg"
    mkdir -p "$HOME_DIR"
    # Options as variables: the interpreter's own pip may be too old to know the flags.
    export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_PYTHON_VERSION_WARNING=1
    # The interpreter may come without virtualenv; install it beside the venv, not into it.
    "$python" -m pip install -q --target "$HOME_DIR/virtualenv-pkg" -c "$CONSTRAINTS" virtualenv \
        2> >(grep -v '^DEPRECATION: Python 2.7' >&2) ||
        fail 2 "could not install virtualenv for $python"
    PYTHONPATH="$HOME_DIR/virtualenv-pkg" "$python" -m virtualenv -q --no-periodic-update \
        --app-data "$HOME_DIR/virtualenv-data" -p "$python" "$VENV" || fail 2 "could not create $VENV"
    "$VENV/bin/pip" install -q -c "$CONSTRAINTS" "autobahntestsuite==$VERSION" ||
        fail 2 "could not install autobahntestsuite $VERSION into $VENV"
    "$VENV/bin/wstest" --autobahnversion >/dev/null || fail 2 "wstest does not start in $VENV"
    cp "$CONSTRAINTS" "$stamp"
}

# Reads wstest's output and prints a line when a new case group starts.
show_progress() {
    local line group previous=""
    while IFS= read -r line; do
        case "$line" in
            "Ok, will run"*) echo "   $line" ;;
            "Running test case ID "*)
                group=${line#Running test case ID }
                group=${group%%.*}
                [ "$group" = "$previous" ] || printf '   %(%H:%M:%S)T group %s\n' -1 "$group"
                previous=$group
                ;;
            *"failed"* | *Traceback* | *Error*) echo "   wstest: $line" ;;
        esac
    done
}

ensure_wstest
[ -z "$PREPARE" ] || exit 0
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
rm -rf "$OUT/report" "$OUT/summary.json"
python3 - "$URL" "$OUT/report" "$CASES" "${AUTOBAHN_DEFLATE_LARGE:-0}" >"$OUT/spec.json" <<'PY'
import json, sys
url, report, cases, large = sys.argv[1:5]
# In 12.x and 13.x, cases 9, 10 and 14-18 are the 64 KiB and 128 KiB messages.
excluded = [] if large == "1" else [
    "%s.%d" % (group, case)
    for group in ["12.2", "12.3", "12.4", "12.5"] + ["13.%d" % n for n in range(1, 8)]
    for case in (9, 10, 14, 15, 16, 17, 18)]
spec = {"options": {"failByDrop": False}, "outdir": report, "servers": [{"agent": "stockpush", "url": url}],
        "cases": json.loads(cases), "exclude-cases": excluded, "exclude-agent-cases": {}}
print(json.dumps(spec, indent=2))
PY

echo "== Autobahn|Testsuite $VERSION fuzzing client against $URL (report in $OUT)"
started=$SECONDS
status=0
# Python 2 buffers a pipe in blocks; unbuffered output keeps the progress live.
(cd "$OUT" && PYTHONUNBUFFERED=1 timeout --kill-after=10 "${AUTOBAHN_TIMEOUT:-900}" \
    "$VENV/bin/wstest" -m fuzzingclient -s "$OUT/spec.json") 2>&1 | tee "$OUT/wstest.log" | show_progress ||
    status=${PIPESTATUS[0]}
echo "   wstest finished in $((SECONDS - started)) s (exit $status)"
[ "$status" -ne 124 ] && [ "$status" -ne 137 ] ||
    fail 2 "wstest timed out after ${AUTOBAHN_TIMEOUT:-900} s (it writes no report then)"
python3 "$ROOT/scripts/autobahn_summary.py" "$OUT/report" "$OUT/wstest.log" --json "$OUT/summary.json"
