#!/usr/bin/env bash
# Fails when a hot-path module imports Foundation (or FoundationEssentials, or one of
# its types): every module under Sources/ except the application (StockPush) and its
# entry point (stockpush). Foundation on the event-loop path costs allocations,
# bridging and locks we cannot see; the application layer may use it.
#
#   scripts/check-imports.sh      prints each offending file:line, exits 1 if any
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

ALLOWED=(StockPush stockpush)
# import Foundation, @preconcurrency import Foundation, public import FoundationEssentials,
# import struct Foundation.Date, ...
PATTERN='^[[:space:]]*(@[A-Za-z_]+(\([^)]*\))?[[:space:]]+)*((public|package|internal|fileprivate|private)[[:space:]]+)?import[[:space:]]+((typealias|struct|class|enum|protocol|let|var|func)[[:space:]]+)?Foundation[A-Za-z]*([.[:space:]]|$)'

offending=0
checked=0
for module in Sources/*/; do
    module=$(basename "$module")
    [[ " ${ALLOWED[*]} " == *" $module "* ]] && continue
    while IFS= read -r -d '' file; do
        checked=$((checked + 1))
        hits=$(grep -nE "$PATTERN" "$file" || true)
        [ -n "$hits" ] || continue
        while IFS= read -r hit; do
            echo "$file:${hit%%:*}: hot-path module $module imports Foundation: ${hit#*:}"
        done <<<"$hits"
        offending=$((offending + 1))
    done < <(find "Sources/$module" -name '*.swift' -print0)
done

if [ "$offending" -gt 0 ]; then
    echo "check-imports: $offending file(s) in hot-path modules import Foundation (allowed only in ${ALLOWED[*]})" >&2
    exit 1
fi
echo "check-imports: no Foundation import in $checked files of the hot-path modules"
