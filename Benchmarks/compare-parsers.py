#!/usr/bin/env python3
"""Parse the same feed files with Newsdesk and with Python's feed parsers, in one run.

usage: Benchmarks/compare-parsers.py [--rounds N] [--newsdesk PATH] PATH...

Folders are searched for .xml .rss .atom .rdf .feed files. Every parser gets the files already
in memory (bytes) and parses each one `rounds` times; the figure is total bytes over total time.
Newsdesk is timed by `newsdesk bench parse` (same files, same rounds), which also prints the bare
libxml2 pass over the same bytes. Peers that are not installed are reported as missing:
    pip install feedparser fastfeedparser feedparser-rs
"""
import argparse
import os
import subprocess
import sys
import time

EXTS = (".xml", ".rss", ".atom", ".rdf", ".feed")


def feed_files(paths):
    found = []
    for path in paths:
        if os.path.isdir(path):
            for root, _, names in os.walk(path):
                found += [os.path.join(root, n) for n in names if n.lower().endswith(EXTS)]
        elif os.path.isfile(path):
            found.append(path)
    return sorted(found)


def peers():
    """(name, parse function returning an item count) for each installed peer."""
    found = []
    try:
        import feedparser
        found.append(("feedparser " + feedparser.__version__, lambda b: len(feedparser.parse(b).entries)))
    except ImportError:
        print("feedparser: not installed")
    try:
        import fastfeedparser
        found.append(("fastfeedparser", lambda b: len(fastfeedparser.parse(b).entries)))
    except ImportError:
        print("fastfeedparser: not installed")
    try:
        import feedparser_rs
        found.append(("feedparser-rs", lambda b: len(feedparser_rs.parse(b).entries)))
    except ImportError:
        print("feedparser-rs: not installed")
    return found


def time_peer(parse, documents, rounds):
    items = failures = 0
    start = time.perf_counter()
    for round_index in range(rounds):
        for data in documents:
            try:
                count = parse(data)
                if round_index == 0:
                    items += count
            except Exception:
                if round_index == 0:
                    failures += 1
    return time.perf_counter() - start, items, failures


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--newsdesk", default=os.path.join(here, "..", ".build", "release", "newsdesk"))
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()

    files = feed_files(args.paths)
    documents = [open(f, "rb").read() for f in files]
    total = sum(len(d) for d in documents)
    print(f"{len(files)} files, {total} bytes, {args.rounds} rounds")

    result = subprocess.run([args.newsdesk, "bench", "parse", "--rounds", str(args.rounds)] + files,
                            capture_output=True, text=True)
    if result.returncode != 0:
        print("newsdesk failed:", result.stderr.strip())
        return 1
    for line in result.stdout.splitlines():
        if line.startswith(("newsdesk:", "libxml2 floor:")):
            print(line)

    for name, parse in peers():
        seconds, items, failures = time_peer(parse, documents, args.rounds)
        mbps = total * args.rounds / 1e6 / seconds
        print(f"{name}: {mbps:.1f} MB/s, {items * args.rounds / seconds:.0f} items/s ({failures} files failed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
