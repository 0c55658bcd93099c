#!/usr/bin/env bash
# Builds the libFuzzer targets with plain clang/swiftc (no SwiftPM), into the output folder
# given as $1 (default /tmp/fuzz-build): fuzz-parser (the feed parser), fuzz-date (the date
# parser), fuzz-sanitizer (the HTML sanitizer), fuzz-config (the config reader: ConfigLoader over
# Newsdesk's own TOML parser). TARGETS="parser date" builds only those.
#
#   Fuzz/build.sh [/tmp/fuzz-build]            # the code as it is in the working tree
#   REV=HEAD Fuzz/build.sh [/tmp/fuzz-build]   # the code at a git revision
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
# The stages the fuzzers reach: Base, Config and Parse (whose OPML reading uses Config).
stages=(Sources/NewsdeskBase Sources/NewsdeskConfig Sources/NewsdeskParse Sources/CLibXML2)
if [[ -n "${REV:-}" ]]; then
    git -C "$ROOT" archive "$REV" "${stages[@]}" | tar -x -C "$SRC"
    git -C "$ROOT" rev-parse "$REV" > "$SRC/REVISION"
else
    mkdir -p "$SRC/Sources"
    for stage in "${stages[@]}"; do cp -R "$ROOT/$stage" "$SRC/Sources/"; done
    { git -C "$ROOT" rev-parse HEAD; git -C "$ROOT" status --short -- "${stages[@]}"; } > "$SRC/REVISION"
fi
# One module for libFuzzer, so the stages' imports of each other go from the snapshot; their
# `package` declarations need -package-name.
find "$SRC/Sources" -name '*.swift' -exec sed -i '/^import Newsdesk[A-Za-z]*$/d' {} +
cp "$HERE/module.modulemap" "$HERE"/Fuzz*.swift "$SRC/Fuzz/"

# The C side: libxml2 behind nd_xml.h, instrumented for coverage and ASan.
"$CLANG" -fsanitize=fuzzer-no-link,address -g -O1 -I/usr/include/libxml2 -I"$SRC/Sources/CLibXML2/include" \
    -c "$SRC/Sources/CLibXML2/nd_xml.c" -o "$OUT/nd_xml.o"

# The Swift side: the stages' files plus the entry point, as one module (internal types are
# visible to the entry point). -I Fuzz finds module.modulemap (module CLibXML2 -> nd_xml.h).
# Swift 6 mode with the package's upcoming feature. lld, because gold prints hundreds of
# harmless "Cannot export local symbol __asan_check_*" warnings.
for target in ${TARGETS:-parser date sanitizer config}; do
    case "$target" in
        parser) entry=FuzzParser.swift; parse=("$SRC"/Sources/NewsdeskParse/*.swift) ;;
        date) entry=FuzzDate.swift; parse=("$SRC"/Sources/NewsdeskParse/*.swift) ;;
        sanitizer) entry=FuzzSanitizer.swift; parse=("$SRC"/Sources/NewsdeskParse/*.swift) ;;
        config) entry=FuzzConfig.swift; parse=() ;;
        *) echo "unknown target $target" >&2; exit 2 ;;
    esac
    "$SWIFTC" -sanitize=fuzzer,address -parse-as-library -O -g \
        -swift-version 6 -enable-upcoming-feature ExistentialAny \
        -module-name NewsdeskFuzz -package-name newsdesk -module-cache-path "$OUT/module-cache" \
        -I "$SRC/Fuzz" \
        "$SRC"/Sources/NewsdeskBase/*.swift "$SRC"/Sources/NewsdeskConfig/*.swift "$SRC"/Sources/NewsdeskConfig/TOML/*.swift \
        "${parse[@]}" "$SRC/Fuzz/$entry" \
        "$OUT/nd_xml.o" -lxml2 -use-ld=lld \
        -o "$OUT/fuzz-$target"
    echo "built $OUT/fuzz-$target from $(head -1 "$SRC/REVISION")$([[ -z "${REV:-}" ]] && echo ' + working tree')"
done
