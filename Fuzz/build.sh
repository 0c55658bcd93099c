#!/usr/bin/env bash
# Builds the libFuzzer targets with plain clang/swiftc (no SwiftPM), into the output folder
# given as $1 (default /tmp/fuzz-build): fuzz-parser (the feed parser), fuzz-date (the date
# parser), fuzz-sanitizer (the HTML sanitizer), fuzz-config (the config reader: ConfigLoader over
# TOMLKit and toml++). TARGETS="parser date" builds only those.
#
#   Fuzz/build.sh [/tmp/fuzz-build]            # the code as it is in the working tree
#   REV=HEAD Fuzz/build.sh [/tmp/fuzz-build]   # the code at a git revision
#
# The sources are first copied to $OUT/src (same layout as the repo: Fuzz/, Sources/), so a
# build sees one consistent snapshot even while someone edits the tree, and a finding can be
# traced to the exact code that was fuzzed.
# Needs the Swift toolchain's clang (libclang_rt.fuzzer / asan) and libxml2-dev; the config
# target also needs SwiftPM's checkout of TOMLKit (`swift package resolve` makes
# .build/checkouts/TOMLKit; TOMLKIT=path picks another).
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
    git -C "$ROOT" archive "$REV" Sources/NewsdeskCore/Parse Sources/NewsdeskCore/Config Sources/CLibXML2 | tar -x -C "$SRC"
    git -C "$ROOT" rev-parse "$REV" > "$SRC/REVISION"
else
    mkdir -p "$SRC/Sources/NewsdeskCore"
    cp -R "$ROOT/Sources/NewsdeskCore/Parse" "$ROOT/Sources/NewsdeskCore/Config" "$SRC/Sources/NewsdeskCore/"
    cp -R "$ROOT/Sources/CLibXML2" "$SRC/Sources/"
    { git -C "$ROOT" rev-parse HEAD; git -C "$ROOT" status --short -- Sources/NewsdeskCore/Parse Sources/CLibXML2; } > "$SRC/REVISION"
fi
cp "$HERE/module.modulemap" "$HERE"/Fuzz*.swift "$SRC/Fuzz/"
TOMLKIT="${TOMLKIT:-$ROOT/.build/checkouts/TOMLKit}"

# The C side: libxml2 behind nd_xml.h, instrumented for coverage and ASan.
"$CLANG" -fsanitize=fuzzer-no-link,address -g -O1 -I/usr/include/libxml2 -I"$SRC/Sources/CLibXML2/include" \
    -c "$SRC/Sources/CLibXML2/nd_xml.c" -o "$OUT/nd_xml.o"

# The Swift side: every Parse/*.swift plus the entry point, as one module (internal types are
# visible to the entry point). -I Fuzz finds module.modulemap (module CLibXML2 -> nd_xml.h).
# Swift 6 mode with the package's upcoming feature. lld, because gold prints hundreds of
# harmless "Cannot export local symbol __asan_check_*" warnings.
# TOMLKit for the config target, instrumented like the rest: its C++ shim with toml++ (header
# only, compiled into the shim's files) through clang++, its Swift module through swiftc, both
# with the flags of its own Package.swift (C++17, TOML_EXCEPTIONS=1, Swift 5 mode).
build_tomlkit() {
    [[ -d "$TOMLKIT/Sources/CTOML" ]] || { echo "no TOMLKit at $TOMLKIT: run swift package resolve" >&2; exit 1; }
    rm -rf "$SRC/TOMLKit" "$OUT/tomlkit"
    mkdir -p "$SRC/TOMLKit" "$OUT/tomlkit"
    cp -R "$TOMLKIT/Sources" "$SRC/TOMLKit/"
    echo "TOMLKit $(git -C "$TOMLKIT" describe --tags --always 2>/dev/null || echo unknown)" >> "$SRC/REVISION"
    local ctoml="$SRC/TOMLKit/Sources/CTOML" n=0
    for file in "$ctoml"/Sources/*.cpp; do
        n=$((n + 1))
        "${CLANG}++" -std=c++17 -DTOML_EXCEPTIONS=1 -fsanitize=fuzzer-no-link,address -g -O1 -w \
            -I "$ctoml/include" -I "$ctoml/include/CTOML" -c "$file" -o "$OUT/tomlkit/ctoml$n.o"
    done
    find "$SRC/TOMLKit/Sources/TOMLKit" -name '*.swift' -print0 | xargs -0 "$SWIFTC" -parse-as-library \
        -module-name TOMLKit -swift-version 5 -wmo -O -g -sanitize=fuzzer,address \
        -module-cache-path "$OUT/module-cache" -I "$ctoml/include/CTOML" \
        -emit-module -emit-module-path "$OUT/tomlkit/TOMLKit.swiftmodule" -c -o "$OUT/tomlkit/TOMLKit.o" 2> "$OUT/tomlkit/warnings.log"
}

for target in ${TARGETS:-parser date sanitizer config}; do
    case "$target" in
        parser) entry=FuzzParser.swift; extra=() ;;
        date) entry=FuzzDate.swift; extra=() ;;
        sanitizer) entry=FuzzSanitizer.swift; extra=() ;;
        config)
            build_tomlkit
            entry=FuzzConfig.swift
            extra=("$SRC"/Sources/NewsdeskCore/Config/{Config,ConfigLoader,ConfigKeyLocator,ConfigValue,FileReading,TOMLGuard}.swift
                   -I "$OUT/tomlkit" -I "$SRC/TOMLKit/Sources/CTOML/include/CTOML" "$OUT"/tomlkit/*.o -lstdc++) ;;
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
