#!/usr/bin/env bash
# What nginx in front of StockPush costs (docs/capacity.md): one nginx worker with the
# proxy settings of deploy/nginx.conf in front of one `serve --bench 10:5 --tick-ms 1000`,
# N clients through it (default 8,000: nginx holds two connections, two descriptors, per
# client, and 9,000 already ran into a 19,000 worker_connections limit). Prints RSS per
# connection of the nginx worker and of the server, and each one's CPU per frame over a
# 15 s window.
#   bench/nginx-cost.sh [--bin PATH] [--connections N]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/.build/release/stockpush
N=8000
while [ $# -gt 0 ]; do
    case $1 in
    --bin) BIN=$2; shift 2 ;;
    --connections) N=$2; shift 2 ;;
    *) echo "usage: $0 [--bin PATH] [--connections N]" >&2; exit 2 ;;
    esac
done
DIR=$(mktemp -d /tmp/nginx-cost.XXXXXX)
mkdir -p "$DIR/logs"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
UP=$(port); FRONT=$(port)
cat > "$DIR/nginx.conf" <<CONF
worker_processes 1;
worker_rlimit_nofile 20000;
error_log $DIR/logs/error.log notice;
pid $DIR/nginx.pid;
events { worker_connections 19000; }
http {
    access_log off;
    client_body_temp_path $DIR/body; proxy_temp_path $DIR/proxy; fastcgi_temp_path $DIR/fastcgi;
    uwsgi_temp_path $DIR/uwsgi; scgi_temp_path $DIR/scgi;
    map \$http_upgrade \$connection_upgrade { default upgrade; '' ''; }
    upstream stockpush { least_conn; server 127.0.0.1:$UP max_fails=2 fail_timeout=5s; keepalive 16; }
    server {
        listen 127.0.0.1:$FRONT;
        proxy_http_version 1.1;
        proxy_set_header Host \$host;
        proxy_set_header Upgrade \$http_upgrade;
        proxy_set_header Connection \$connection_upgrade;
        proxy_set_header X-Real-IP \$remote_addr;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_buffering off;
        proxy_request_buffering off;
        proxy_read_timeout 120s;
        proxy_send_timeout 120s;
        location / { proxy_pass http://stockpush; }
    }
}
CONF
"$BIN" serve --bench 10:5 --tick-ms 1000 --threads 1 --host 127.0.0.1 --port "$UP" \
    --max-connections-per-ip 1000000 --trusted-proxies 127.0.0.1 > "$DIR/serve.log" 2>&1 &
SERVER=$!
nginx -c "$DIR/nginx.conf" -p "$DIR/" 2>/dev/null
cleanup() {
    kill "$SERVER" 2>/dev/null || true
    nginx -c "$DIR/nginx.conf" -p "$DIR/" -s stop 2>/dev/null || true
    sleep 0.5
    rm -rf "$DIR"
}
trap cleanup EXIT
sleep 1.5
WORKER=$(pgrep -P "$(cat "$DIR/nginx.pid")" | head -1)
rss() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
R0=$(rss "$WORKER"); S0=$(rss "$SERVER")
"$BIN" bench --url "ws://127.0.0.1:$FRONT/ws/stock/prices" --connections "$N" --connect-rate 2000 --threads 1 \
    --warmup 8 --duration 20 --json > "$DIR/bench.json" 2> "$DIR/bench.err" &
BENCH=$!
sleep $((N / 2000 + 10))
C0=$(cpu "$WORKER"); SC0=$(cpu "$SERVER"); T0=$(date +%s.%N)
sleep 15
C1=$(cpu "$WORKER"); SC1=$(cpu "$SERVER"); T1=$(date +%s.%N)
R1=$(rss "$WORKER"); S1=$(rss "$SERVER")
wait "$BENCH"
python3 - "$DIR/bench.json" "$N" "$R0" "$R1" "$S0" "$S1" "$C0" "$C1" "$SC0" "$SC1" "$T0" "$T1" <<'PY'
import json, os, sys
path, n = sys.argv[1], int(sys.argv[2])
r0, r1, s0, s1, c0, c1, sc0, sc1, t0, t1 = map(float, sys.argv[3:13])
report = json.load(open(path))
fps, window, hz = report["frames_per_second"], t1 - t0, os.sysconf("SC_CLK_TCK")
print(f"clients open {report['connections']['open']} of {n} (failures {report['connections']['failures']}); "
      f"frames/s {fps:.0f}; p99 {report['latency_ms']['p99']} ms")
print(f"RSS per connection: nginx worker {(r1 - r0) * 1024 / n:.0f} B, server {(s1 - s0) * 1024 / n:.0f} B")
for name, a, b in (("nginx worker", c0, c1), ("server", sc0, sc1)):
    share = (b - a) / hz / window
    print(f"CPU {name}: {share * 100:.1f} % of a core, {share / fps * 1e6:.2f} us per frame")
PY
grep -h "warn" "$DIR/logs/error.log" | tail -2 || true
