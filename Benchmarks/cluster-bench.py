#!/usr/bin/env python3
"""Times `newsdesk cluster` on N items, to show how its cost grows with N.

The items are the labelled UCI headlines of the shared corpus, repeated as often as needed:
each repetition is shifted 4 days later (so it forms new stories, as a year of news would) and
gets one word of its headline swapped with a neighbour's, so no two items are identical.

    swift build -c release
    python3 Benchmarks/cluster-bench.py ../shared/corpus/stories/uci-dev.tsv 10000 100000 1000000

Prints N, wall seconds, CPU seconds (user + system), peak memory and items per second.
"""
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NEWSDESK = os.path.join(ROOT, ".build", "release", "newsdesk")


def items(rows, count):
    rng = random.Random(7)
    rows = sorted(rows, key=lambda r: int(r["timestamp_ms"]))
    for n in range(count):
        cycle, index = divmod(n, len(rows))
        row = rows[index]
        words = row["title"].split()
        if cycle and len(words) > 2:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        stamp = int(row["timestamp_ms"]) / 1000 + cycle * 4 * 86400
        yield json.dumps({
            "id": f"{row['id']}-{cycle}", "source": row["hostname"], "title": " ".join(words),
            "link": f"{row['url']}?c={cycle}",
            "published": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp)),
        })


def main():
    path, counts = sys.argv[1], [int(a) for a in sys.argv[2:]] or [10000, 100000]
    rows = list(csv.DictReader(open(path, encoding="utf-8"), delimiter="\t"))
    print("| items | wall s | CPU s | peak MB | items/s | stories |")
    print("|---|---|---|---|---|---|")
    for count in counts:
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
            for line in items(rows, count):
                f.write(line + "\n")
            name = f.name
        with open(name) as stdin:
            result = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", NEWSDESK, "cluster"],
                                    stdin=stdin, capture_output=True, text=True)
        os.unlink(name)
        wall, user, system, rss = result.stderr.strip().splitlines()[-1].split()
        stories = len({json.loads(l)["story"] for l in result.stdout.splitlines()})
        cpu = float(user) + float(system)
        print(f"| {count} | {float(wall):.2f} | {cpu:.2f} | {int(rss) / 1024:.0f} | {count / float(wall):,.0f} | {stories} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
