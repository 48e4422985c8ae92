#!/usr/bin/env bash
# Builds the uWebSockets benchmark peer (bench/peers/uws-server.cpp) from uWebSockets and
# uSockets sources at pinned commits, in .build-bench/uws/ (never committed). Prints the
# binary's path on success; on failure prints why on stderr and exits 1, and bench/run.sh
# goes on without the uWS column.
#
# Where the sources come from, first that has the pinned commit:
#   $UWS_GIT and $USOCKETS_GIT      git repositories (bare or not) or URLs
#   /work/.mirror/uNetworking+*/    this workplace's stored snapshots of the two repositories
#   https://github.com/uNetworking/{uWebSockets,uSockets}
# Compression (SHARED_COMPRESSOR) needs zlib; built without TLS, without io_uring.
#   --portable   without -march=native (valgrind 3.19 cannot run AVX-512): bench/callgrind.sh --uws
set -euo pipefail
MARCH=-march=native SUFFIX=""
[ "${1:-}" = --portable ] && MARCH="" SUFFIX=-portable
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
UWS_COMMIT=66dcff3dd48f0c19dd1703426365d062039321d0
USOCKETS_COMMIT=86097c490263ab662d62e8e7b541390bdec7d149
OUT="$ROOT/.build-bench/uws"
BIN="$OUT/uws-server-${UWS_COMMIT:0:10}$SUFFIX"
SOURCE="$ROOT/bench/peers/uws-server.cpp"

if [ -x "$BIN" ] && [ "$BIN" -nt "$SOURCE" ]; then echo "$BIN"; exit 0; fi

# fetch_tree name commit dest candidates...: the commit's files into dest.
fetch_tree() {
    local name=$1 commit=$2 dest=$3; shift 3
    local candidate
    rm -rf "$dest"; mkdir -p "$dest"
    for candidate in "$@"; do
        [ -n "$candidate" ] || continue
        case "$candidate" in
        http*://*)
            local clone="$OUT/$name.git"
            rm -rf "$clone"
            if timeout 120 git clone -q --bare --filter=blob:none "$candidate" "$clone" 2>/dev/null &&
                git --git-dir="$clone" archive "$commit" | tar -x -C "$dest"; then return 0; fi ;;
        *)
            local dir=$candidate
            [ -d "$candidate/.git" ] && dir="$candidate/.git"
            if git --git-dir="$dir" cat-file -e "$commit^{commit}" 2>/dev/null &&
                git --git-dir="$dir" archive "$commit" | tar -x -C "$dest"; then return 0; fi ;;
        esac
    done
    echo "build-uws.sh: no source of $name has commit $commit (tried: $*)" >&2
    return 1
}

mkdir -p "$OUT"
fetch_tree uWebSockets "$UWS_COMMIT" "$OUT/uWebSockets" "${UWS_GIT:-}" \
    /work/.mirror/uNetworking+uWebSockets/repo https://github.com/uNetworking/uWebSockets.git
fetch_tree uSockets "$USOCKETS_COMMIT" "$OUT/uSockets" "${USOCKETS_GIT:-}" \
    /work/.mirror/uNetworking+uSockets/repo https://github.com/uNetworking/uSockets.git

command -v g++ >/dev/null || { echo "build-uws.sh: g++ not found" >&2; exit 1; }
[ -f /usr/include/zlib.h ] || { echo "build-uws.sh: zlib.h not found (apt-get install zlib1g-dev)" >&2; exit 1; }
OBJ="$OUT/obj$SUFFIX"
rm -rf "$OBJ"; mkdir -p "$OBJ"
# uSockets' own flags (its Makefile): C11, no TLS, -O3, LTO.
(cd "$OBJ" && cc -std=c11 -O3 -flto -DLIBUS_NO_SSL -I"$OUT/uSockets/src" -c \
    "$OUT"/uSockets/src/*.c "$OUT"/uSockets/src/eventing/*.c "$OUT"/uSockets/src/crypto/*.c)
# uWebSockets' own flags (its build.c): C++2b, -march=native -O3, LTO.
g++ -std=c++2b $MARCH -O3 -flto -DLIBUS_NO_SSL -I"$OUT/uWebSockets/src" -I"$OUT/uSockets/src" \
    "$SOURCE" "$OBJ"/*.o -lz -o "$BIN.tmp"
mv "$BIN.tmp" "$BIN"
echo "$BIN"
