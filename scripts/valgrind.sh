#!/usr/bin/env bash
# Runs the newsdesk binary under valgrind's Memcheck: no invalid access, no definite leak.
#
#   scripts/valgrind.sh parse [FOLDER...]   # `bench parse --rounds 1` over the folders (default:
#                                           # the test fixtures, the fuzz seeds and regressions,
#                                           # and ../shared/corpus when present)
#   scripts/valgrind.sh once                # `once --all` on the offline demo, twice (a restart)
#   scripts/valgrind.sh suite [FILTER]      # the binary-level tests (Tests/newsdeskTests), each
#                                           # `newsdesk` they start running under valgrind
#
# Valgrind 3.19 (Debian 12) cannot read the DWARF 5 of Swift 6 binaries, so it runs on copies
# stripped of debug info (symbols stay). The test bundle itself cannot run under it (valgrind
# crashes inside libdispatch as swift-testing starts), so `suite` runs the bundle natively with a
# `newsdesk` beside it that is a wrapper: every process the tests start is Memcheck'd. Each
# process logs to OUT/logs/PID.log; the script ends with a summary of every log, and fails if
# any has an error or a definite leak. OUT is /tmp/newsdesk-valgrind unless VALGRIND_OUT is set.
# Needs `swift build -c release` (parse, once) or `swift build --build-tests` (suite).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${VALGRIND_OUT:-/tmp/newsdesk-valgrind}"
MODE="${1:-parse}"
shift || true
rm -rf "$OUT"
mkdir -p "$OUT/logs"
MEMCHECK=(valgrind --suppressions="$ROOT/scripts/valgrind.supp" --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite --error-exitcode=97 --num-callers=40 --log-file="$OUT/logs/%p.log")

case "$MODE" in
    parse)
        strip --strip-debug -o "$OUT/newsdesk" "$ROOT/.build/release/newsdesk"
        folders=("$@")
        if [[ ${#folders[@]} -eq 0 ]]; then
            folders=("$ROOT/Tests/NewsdeskParseTests/Fixtures" "$ROOT/Fuzz/seeds" "$ROOT/Fuzz/regressions")
            for shared in "$ROOT/../shared/corpus/realworld" "$ROOT/../shared/corpus/conformance"; do
                [[ -d "$shared" ]] && folders+=("$shared")
            done
        fi
        "${MEMCHECK[@]}" "$OUT/newsdesk" bench parse --rounds 1 "${folders[@]}" | tee "$OUT/parse.txt"
        ;;
    once)
        strip --strip-debug -o "$OUT/newsdesk" "$ROOT/.build/release/newsdesk"
        cp -R "$ROOT/Examples/demo" "$OUT/demo"
        rm -rf "$OUT/demo/state" "$OUT/demo/public"
        for run in 1 2; do
            "${MEMCHECK[@]}" "$OUT/newsdesk" once --all --config "$OUT/demo/feeds.conf" > "$OUT/once-$run.txt" 2>&1 ||
                { cat "$OUT/once-$run.txt"; exit 1; }
        done
        tail -3 "$OUT/once-2.txt"
        ;;
    suite)
        bundle="$ROOT/.build/debug/NewsdeskPackageTests.xctest"
        strip --strip-debug -o "$OUT/newsdesk.real" "$ROOT/.build/debug/newsdesk"
        cp "$bundle" "$OUT/NewsdeskPackageTests.xctest"
        {
            echo '#!/usr/bin/env bash'
            printf 'exec'
            printf ' %q' "${MEMCHECK[@]}" "$OUT/newsdesk.real"
            echo ' "$@"'
        } > "$OUT/newsdesk"
        chmod +x "$OUT/newsdesk"
        # The tests find `newsdesk` beside the bundle; their fixtures by source path.
        "$OUT/NewsdeskPackageTests.xctest" --testing-library swift-testing --filter "${1:-newsdeskTests}" 2>&1 |
            tee "$OUT/suite.txt" | grep -E 'Test run with|✘' || true
        ;;
    *)
        echo "usage: $0 parse [FOLDER...] | once | suite [FILTER]" >&2
        exit 2
        ;;
esac

# Summary: one line per process log; the run fails on any error or definite leak.
bad=0
total=0
for log in "$OUT"/logs/*.log; do
    total=$((total + 1))
    errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$log")
    definite=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$log")
    if [[ -z "$errors" ]]; then
        # No summary: the process was killed (SIGKILL tests) before valgrind could write one.
        continue
    fi
    if [[ "$errors" != 0 || "${definite:-0}" != 0 ]]; then
        bad=$((bad + 1))
        echo "$log: $errors errors, ${definite:-0} bytes definitely lost ($(sed -n 's/.*Command: //p' "$log" | head -1))"
    fi
done
finished=$(grep -l "ERROR SUMMARY" "$OUT"/logs/*.log 2>/dev/null | wc -l)
echo "valgrind: $total processes, $finished ran to exit, $bad with errors or definite leaks (logs in $OUT/logs)"
[[ $bad -eq 0 ]]
