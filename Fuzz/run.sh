#!/usr/bin/env bash
# Runs one fuzzer over its seed corpus.
#
#   [TARGET=parser|date|sanitizer|config] Fuzz/run.sh [BUILD_DIR] [SECONDS] [JOBS] [extra libFuzzer flags...]
#   Fuzz/run.sh /tmp/fuzz-build 600 2
#   TARGET=date Fuzz/run.sh /tmp/fuzz-build 60
#
# BUILD_DIR (default /tmp/fuzz-build) holds fuzz-TARGET (from Fuzz/build.sh); the run keeps its
# growing corpus in BUILD_DIR/corpus-TARGET, crash/timeout/OOM inputs in BUILD_DIR/artifacts/ and
# the per-job logs in BUILD_DIR/logs/. Seeds (read only): for the parser
# Tests/NewsdeskParseTests/Fixtures, Fuzz/seeds and, when present, the directories in
# $EXTRA_SEEDS (colon-separated; default the shared real-world and conformance corpora; set
# EXTRA_SEEDS= to leave them out); Fuzz/seeds-date, Fuzz/seeds-html (plus the fixtures) and
# Fuzz/seeds-config plus the TOML conformance suite in Tests/NewsdeskConfigTests/Fixtures/toml-test
# for the others.
#
# Reproduce one input:   BUILD_DIR/fuzz-parser Fuzz/regressions/<file>
# Minimize a crash:      BUILD_DIR/fuzz-parser -minimize_crash=1 -runs=10000 -exact_artifact_path=OUT CRASH
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
BUILD="$(mkdir -p "${1:-/tmp/fuzz-build}" && cd "${1:-/tmp/fuzz-build}" && pwd)"
SECONDS_TOTAL="${2:-600}"
JOBS="${3:-1}"
shift $(( $# < 3 ? $# : 3 ))
TARGET="${TARGET:-parser}"
BIN="$BUILD/fuzz-$TARGET"
[[ -x "$BIN" ]] || { echo "no $BIN: run Fuzz/build.sh $BUILD first" >&2; exit 1; }

CORPUS="$BUILD/corpus-$TARGET"
[[ "$TARGET" == parser && -d "$BUILD/corpus" ]] && CORPUS="$BUILD/corpus"   # older runs' corpus
mkdir -p "$CORPUS" "$BUILD/artifacts" "$BUILD/logs"
DICT=()
case "$TARGET" in
    parser)
        SEEDS=("$ROOT/Tests/NewsdeskParseTests/Fixtures" "$HERE/seeds")
        IFS=: read -r -a EXTRA <<< "${EXTRA_SEEDS-/work/shared/corpus/realworld:/work/shared/corpus/conformance/tests}"
        for dir in "${EXTRA[@]}"; do [[ -n "$dir" && -d "$dir" ]] && SEEDS+=("$dir"); done
        DICT=(-dict="$HERE/feed.dict") ;;
    date) SEEDS=("$HERE/seeds-date") ;;
    sanitizer) SEEDS=("$HERE/seeds-html" "$ROOT/Tests/NewsdeskParseTests/Fixtures") ;;
    config)
        SEEDS=("$HERE/seeds-config" "$ROOT/Tests/NewsdeskConfigTests/Fixtures/toml-test/tests")
        DICT=(-dict="$HERE/toml.dict") ;;
    *) echo "unknown TARGET $TARGET" >&2; exit 2 ;;
esac

# LeakSanitizer stays on (libFuzzer checks each input that adds coverage for leaks). Should
# Swift runtime / Foundation one-time allocations ever show up as leaks, run with
# ASAN_OPTIONS=detect_leaks=0.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
# Swift 6's runtime backtracer catches the SIGILL of a Swift runtime trap (overflow, bounds,
# force-unwrap) before libFuzzer does: no artifact is written and the process can hang for
# minutes in swift-backtrace. Off, so libFuzzer reports the trap ("deadly signal") and saves it.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"

FLAGS=("${DICT[@]}" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048
       -max_total_time="$SECONDS_TOTAL" -print_final_stats=1 -artifact_prefix="$BUILD/artifacts/$TARGET-")
cd "$BUILD/logs"
if (( JOBS > 1 )); then
    # Fork mode: JOBS child processes over the shared corpus; a crash, timeout or OOM is saved
    # to artifacts/ and the run goes on, so one run collects every finding.
    exec "$BIN" "${FLAGS[@]}" -fork="$JOBS" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        "$@" "$CORPUS" "${SEEDS[@]}"
else
    exec "$BIN" "${FLAGS[@]}" "$@" "$CORPUS" "${SEEDS[@]}"
fi
