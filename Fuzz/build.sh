#!/usr/bin/env bash
# Builds the libFuzzer target for the feed parser with plain clang/swiftc (no SwiftPM), into
# the output folder given as $1 (default /tmp/fuzz-build). Produces $OUT/fuzz-parser.
#
#   Fuzz/build.sh [/tmp/fuzz-build]            # the parser as it is in the working tree
#   REV=HEAD Fuzz/build.sh [/tmp/fuzz-build]   # the parser at a git revision
#
# The sources are first copied to $OUT/src (same layout as the repo: Fuzz/, Sources/), so a
# build sees one consistent snapshot even while someone edits the tree, and a finding can be
# traced to the exact code that was fuzzed.
# Needs the Swift toolchain's clang (libclang_rt.fuzzer / asan) and libxml2-dev.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
OUT="$(mkdir -p "${1:-/tmp/fuzz-build}" && cd "${1:-/tmp/fuzz-build}" && pwd)"
CLANG="${CLANG:-clang}"
SWIFTC="${SWIFTC:-swiftc}"

SRC="$OUT/src"
rm -rf "$SRC"
mkdir -p "$SRC/Fuzz"
if [[ -n "${REV:-}" ]]; then
    git -C "$ROOT" archive "$REV" Sources/NewsdeskCore/Parse Sources/CLibXML2 | tar -x -C "$SRC"
    git -C "$ROOT" rev-parse "$REV" > "$SRC/REVISION"
else
    mkdir -p "$SRC/Sources/NewsdeskCore"
    cp -R "$ROOT/Sources/NewsdeskCore/Parse" "$SRC/Sources/NewsdeskCore/"
    cp -R "$ROOT/Sources/CLibXML2" "$SRC/Sources/"
    { git -C "$ROOT" rev-parse HEAD; git -C "$ROOT" status --short -- Sources/NewsdeskCore/Parse Sources/CLibXML2; } > "$SRC/REVISION"
fi
cp "$HERE/module.modulemap" "$HERE/FuzzParser.swift" "$SRC/Fuzz/"

# The C side: libxml2 behind nd_xml.h, instrumented for coverage and ASan.
"$CLANG" -fsanitize=fuzzer-no-link,address -g -O1 -I/usr/include/libxml2 -I"$SRC/Sources/CLibXML2/include" \
    -c "$SRC/Sources/CLibXML2/nd_xml.c" -o "$OUT/nd_xml.o"

# The Swift side: every Parse/*.swift plus the entry point, as one module (internal types are
# visible to the entry point). -I Fuzz finds module.modulemap (module CLibXML2 -> nd_xml.h).
# Swift 6 mode with the package's upcoming feature. lld, because gold prints hundreds of
# harmless "Cannot export local symbol __asan_check_*" warnings.
"$SWIFTC" -sanitize=fuzzer,address -parse-as-library -O -g \
    -swift-version 6 -enable-upcoming-feature ExistentialAny \
    -module-name NewsdeskFuzz -module-cache-path "$OUT/module-cache" \
    -I "$SRC/Fuzz" \
    "$SRC"/Sources/NewsdeskCore/Parse/*.swift "$SRC/Fuzz/FuzzParser.swift" \
    "$OUT/nd_xml.o" -lxml2 -use-ld=lld \
    -o "$OUT/fuzz-parser"
echo "built $OUT/fuzz-parser from $(head -1 "$SRC/REVISION")$([[ -z "${REV:-}" ]] && echo ' + working tree')"
