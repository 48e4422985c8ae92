#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer) of the sans-I/O codecs.
#
#   scripts/fuzz.sh http 600         # HTTPRequestParser, 10 minutes
#   scripts/fuzz.sh websocket 600    # FrameDecoder + WebSocketConnectionState + UTF8Validator
#
# Usage: scripts/fuzz.sh TARGET [SECONDS]   (TARGET = http | websocket; SECONDS defaults to 600)
# Builds Fuzz/ in release mode with -sanitize=fuzzer,address into Fuzz/.build-fuzz, copies the
# committed seed corpus Fuzz/Corpus/TARGET/ into a working corpus under /tmp (kept between runs:
# $FUZZ_WORK, default /tmp/stockpush-fuzz/TARGET), runs libFuzzer for SECONDS and prints a summary.
# Crash reproducers land in $FUZZ_WORK/artifacts/. Exit status: 0 when no crash, 1 on a crash,
# 2 on a usage or build error. Extra libFuzzer flags can be passed in $FUZZ_FLAGS.
# Reproduce one input: Fuzz/.build-fuzz/release/FuzzHTTPParser path/to/crash-file
set -euo pipefail

usage() { echo "usage: $0 http|websocket [SECONDS]" >&2; exit 2; }

target=${1:-}
seconds=${2:-600}
case "$target" in
    http) product=FuzzHTTPParser; max_len=4096 ;;
    websocket) product=FuzzWebSocketFrames; max_len=4096 ;;
    *) usage ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || usage

root=$(cd "$(dirname "$0")/.." && pwd)
scratch="$root/Fuzz/.build-fuzz"
work=${FUZZ_WORK:-/tmp/stockpush-fuzz/$target}
corpus="$work/corpus"
artifacts="$work/artifacts"
log="$work/fuzz.log"
mkdir -p "$corpus" "$artifacts"

echo "== building $product (release, -sanitize=fuzzer,address, exclusivity checks kept)"
swift build -c release --package-path "$root/Fuzz" --product "$product" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
    -Xswiftc -enforce-exclusivity=checked \
    --scratch-path "$scratch" || exit 2
binary="$(swift build -c release --package-path "$root/Fuzz" --scratch-path "$scratch" --show-bin-path)/$product"

# Seed the working corpus (libFuzzer de-duplicates by content hash, so re-copying is harmless).
cp -n "$root/Fuzz/Corpus/$target/"* "$corpus/" 2>/dev/null || true

echo "== fuzzing $product for ${seconds}s (corpus $corpus, log $log)"
set +e
"$binary" "$corpus" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 ${FUZZ_FLAGS:-} >"$log" 2>&1
status=$?
set -e

echo "== summary ($target, exit status $status)"
# Last status line (execs, cov, ft, corpus, exec/s) and libFuzzer's final stats.
grep -E '^#[0-9]+' "$log" | tail -n 1 || true
grep -E '^stat::' "$log" || true
crashes=$(grep -cE '^==[0-9]+==ERROR|^SUMMARY: libFuzzer|Fatal error|deadly signal' "$log" || true)
echo "crash reports: $crashes"
ls -1 "$artifacts" 2>/dev/null | sed 's/^/artifact: /' || true
if [ "$status" -ne 0 ]; then
    grep -m 5 -E 'Fatal error|ERROR|Test unit written' "$log" || true
    exit 1
fi
