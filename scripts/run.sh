#!/usr/bin/env bash
# Runs StockPush with live simulated quotes. Without REDIS_URL / DATABASE_URL it starts
# a local Redis and PostgreSQL in .data/ (installing them with apt if missing),
# migrates, and serves on $HOST:$PORT (default 0.0.0.0:8000) with a quote every
# second, at any hour (MARKET_HOURS=ignore; set MARKET_HOURS=enforce to pull each market
# only while it trades). Extra arguments go to `stockpush serve` (try --help).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source scripts/lib.sh

ensure_server_packages
swift build -c release --product stockpush

if [ -z "${REDIS_URL:-}" ] || [ -z "${DATABASE_URL:-}" ]; then
    DATA="${STOCKPUSH_DATA:-$ROOT/.data}"
    echo "== local Redis and PostgreSQL in $DATA"
    # Reuse the ports of an earlier run so existing URLs stay valid.
    eval "$(scripts/services.sh start "$DATA" "$(cat "$DATA/redis.port" 2>/dev/null || free_port)" "$(cat "$DATA/pg.port" 2>/dev/null || free_port)")"
    echo "   REDIS_URL=$REDIS_URL"
    echo "   DATABASE_URL=$DATABASE_URL"
    echo "   (stop them with: scripts/services.sh stop $DATA)"
fi
export REDIS_URL DATABASE_URL
export QUOTE_INTERVAL="${QUOTE_INTERVAL:-1}"
export MARKET_HOURS="${MARKET_HOURS:-ignore}"

"$ROOT/.build/release/stockpush" migrate
exec "$ROOT/.build/release/stockpush" serve "$@"
