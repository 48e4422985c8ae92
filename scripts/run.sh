#!/usr/bin/env bash
# Runs the StockPush server (release build) on $HOST:$PORT (default 0.0.0.0:8000).
# Extra arguments go to `stockpush serve` (try --help).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source scripts/lib.sh

ensure_server_packages
swift build -c release --product stockpush
exec "$ROOT/.build/release/stockpush" serve "$@"
