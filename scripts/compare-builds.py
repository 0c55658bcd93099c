#!/usr/bin/env python3
"""Compare what two newsdesk binaries make of the same feeds: `parse --json` output and exit code.

usage: scripts/compare-builds.py OLD_BINARY NEW_BINARY PATH...

Folders are searched for .xml .rss .atom .rdf .feed files. For a change meant to be invisible
(a speed-up), every file should come out the same; each one that does not is printed with the
first field that differs. The date check ("more than a day in the future") uses each run's own
clock, so the two runs are made back to back.
"""
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

EXTS = (".xml", ".rss", ".atom", ".rdf", ".feed")


def feed_files(paths):
    for path in paths:
        if os.path.isdir(path):
            for root, _, names in os.walk(path):
                for name in sorted(names):
                    if name.lower().endswith(EXTS):
                        yield os.path.join(root, name)
        else:
            yield path


def run(binary, path):
    done = subprocess.run([binary, "parse", "--json", path], capture_output=True, timeout=120)
    try:
        return done.returncode, json.loads(done.stdout) if done.returncode == 0 else done.stderr.decode(errors="replace")
    except ValueError:
        return done.returncode, done.stdout.decode(errors="replace")


def first_difference(a, b, where="$"):
    if type(a) is not type(b):
        return f"{where}: {str(a)[:120]!r} vs {str(b)[:120]!r}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{where}.{key}: only in {'new' if key in b else 'old'}"
            found = first_difference(a[key], b[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} vs {len(b)} entries"
        for index, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{where}[{index}]")
            if found:
                return found
        return None
    return None if a == b else f"{where}: {str(a)[:160]!r} vs {str(b)[:160]!r}"


def main(argv):
    if len(argv) < 4:
        print(__doc__.strip())
        return 2
    old, new, paths = argv[1], argv[2], argv[3:]
    files = list(feed_files(paths))

    def compare(path):
        return path, run(old, path), run(new, path)

    differing = 0
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for path, (old_code, old_out), (new_code, new_out) in pool.map(compare, files):
            if old_code != new_code:
                differing += 1
                print(f"DIFF {path}: exit {old_code} vs {new_code}")
                continue
            found = first_difference(old_out, new_out)
            if found:
                differing += 1
                print(f"DIFF {path}: {found}")
    print(f"{len(files)} files, {len(files) - differing} the same, {differing} different")
    return 0 if differing == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
