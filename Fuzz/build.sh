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
if [[ -n "${REV:-}" ]]; then
    git -C "$ROOT" archive "$REV" Sources/NewsdeskCore/Parse Sources/NewsdeskCore/Config Sources/NewsdeskCore/Publish/Escaping.swift \
        Sources/CLibXML2 | tar -x -C "$SRC"
    git -C "$ROOT" rev-parse "$REV" > "$SRC/REVISION"
else
    mkdir -p "$SRC/Sources/NewsdeskCore"
    cp -R "$ROOT/Sources/NewsdeskCore/Parse" "$ROOT/Sources/NewsdeskCore/Config" "$SRC/Sources/NewsdeskCore/"
    mkdir -p "$SRC/Sources/NewsdeskCore/Publish"
    cp "$ROOT/Sources/NewsdeskCore/Publish/Escaping.swift" "$SRC/Sources/NewsdeskCore/Publish/"
    cp -R "$ROOT/Sources/CLibXML2" "$SRC/Sources/"
    { git -C "$ROOT" rev-parse HEAD; git -C "$ROOT" status --short -- Sources/NewsdeskCore/Parse Sources/NewsdeskCore/Config Sources/CLibXML2; } > "$SRC/REVISION"
fi
cp "$HERE/module.modulemap" "$HERE"/Fuzz*.swift "$SRC/Fuzz/"

# The C side: libxml2 behind nd_xml.h, instrumented for coverage and ASan.
"$CLANG" -fsanitize=fuzzer-no-link,address -g -O1 -I/usr/include/libxml2 -I"$SRC/Sources/CLibXML2/include" \
    -c "$SRC/Sources/CLibXML2/nd_xml.c" -o "$OUT/nd_xml.o"

# The Swift side: every Parse/*.swift plus the entry point, as one module (internal types are
# visible to the entry point). -I Fuzz finds module.modulemap (module CLibXML2 -> nd_xml.h).
# Swift 6 mode with the package's upcoming feature. lld, because gold prints hundreds of
# harmless "Cannot export local symbol __asan_check_*" warnings.
for target in ${TARGETS:-parser date sanitizer config}; do
    case "$target" in
        parser) entry=FuzzParser.swift; extra=() ;;
        date) entry=FuzzDate.swift; extra=() ;;
        sanitizer) entry=FuzzSanitizer.swift; extra=() ;;
        config)
            entry=FuzzConfig.swift
            extra=("$SRC"/Sources/NewsdeskCore/Config/{Config,ConfigLoader,ConfigValue,FileReading}.swift
                   "$SRC"/Sources/NewsdeskCore/Config/TOML/*.swift "$SRC"/Sources/NewsdeskCore/Publish/Escaping.swift) ;;
        *) echo "unknown target $target" >&2; exit 2 ;;
    esac
    "$SWIFTC" -sanitize=fuzzer,address -parse-as-library -O -g \
        -swift-version 6 -enable-upcoming-feature ExistentialAny \
        -module-name NewsdeskFuzz -module-cache-path "$OUT/module-cache" \
        -I "$SRC/Fuzz" \
        "$SRC"/Sources/NewsdeskCore/Parse/*.swift "${extra[@]}" "$SRC/Fuzz/$entry" \
        "$OUT/nd_xml.o" -lxml2 -use-ld=lld \
        -o "$OUT/fuzz-$target"
    echo "built $OUT/fuzz-$target from $(head -1 "$SRC/REVISION")$([[ -z "${REV:-}" ]] && echo ' + working tree')"
done
