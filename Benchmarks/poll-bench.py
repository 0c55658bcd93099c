#!/usr/bin/env python3
"""Times `newsdesk once --all` against `newsboat -x reload` on the same N loopback feeds.

Generates N RSS feeds (20 items each) in a scratch folder, serves them with nginx on
127.0.0.1 (static files: nginx answers conditional requests with 304), and runs each
reader twice in the same run: a first cycle (every feed new, all 200) and a second
cycle (nothing changed, all 304). Reports wall time, CPU time (user + system) and peak
memory (max RSS) from /usr/bin/time.

    apt-get install -y nginx newsboat
    swift build -c release
    python3 Benchmarks/poll-bench.py 1000 10000
    python3 Benchmarks/poll-bench.py --newsdesk-only 10000    # skip newsboat (20 min at 10,000)
    python3 Benchmarks/poll-bench.py 1000 --binary OTHER      # another newsdesk build as a peer

Both readers get 16 transfers at once (newsboat's reload-threads, newsdesk's concurrency and
per_host, since every feed is on the one loopback host).
"""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

import loopback
from loopback import start_nginx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NEWSDESK = os.path.join(ROOT, ".build", "release", "newsdesk")
PORT = 18733
ITEMS = 20


def write_feeds(folder, count):
    loopback.write_feeds(
        folder, count, ITEMS, f"http://127.0.0.1:{PORT}/",
        "&lt;p&gt;The summary of story {i} of feed {n}, a sentence or two of text, as real feeds carry.&lt;/p&gt;",
        channel_description=True,
    )


def timed(command, cwd):
    """Runs command under /usr/bin/time; returns (wall s, cpu s, peak MB, stdout)."""
    fmt = "%e %U %S %M"
    result = subprocess.run(
        ["/usr/bin/time", "-f", fmt] + command, cwd=cwd, capture_output=True, text=True
    )
    last = result.stderr.strip().splitlines()[-1].split()
    wall, user, system, rss = float(last[0]), float(last[1]), float(last[2]), int(last[3])
    if result.returncode != 0:
        print(result.stdout, result.stderr, file=sys.stderr)
        raise SystemExit(f"{command[0]} failed with {result.returncode}")
    return wall, user + system, rss / 1024, result.stdout


def accepts_private_key(binary, folder):
    """Whether `binary` knows `allow_private_networks` (one from before it fetched loopback anyway)."""
    probe = os.path.join(folder, "probe.conf")
    with open(probe, "w") as f:
        f.write("[newsdesk]\nallow_private_networks = true\n")
    return subprocess.run([binary, "check", "--config", probe], capture_output=True).returncode == 0


def run(count, scratch, with_newsboat=True, binary=NEWSDESK):
    docroot = os.path.join(scratch, f"feeds{count}")
    write_feeds(docroot, count)
    urls = [f"http://127.0.0.1:{PORT}/feeds{count}/f{n}.xml" for n in range(count)]

    nd = tempfile.mkdtemp(prefix=f"newsdesk{count}-", dir=scratch)
    private = "allow_private_networks = true\n" if accepts_private_key(binary, nd) else ""
    with open(os.path.join(nd, "feeds.conf"), "w") as f:
        f.write(f'[newsdesk]\nstate = "state.sqlite"\n{private}concurrency = 16\nper_host = 16\n')
        for url in urls:
            f.write(f'\n[[feed]]\nurl = "{url}"\n')

    nb = os.path.join(scratch, f"newsboat{count}")
    os.makedirs(nb, exist_ok=True)
    with open(os.path.join(nb, "urls"), "w") as f:
        f.write("\n".join(urls) + "\n")
    with open(os.path.join(nb, "config"), "w") as f:
        f.write("reload-threads 16\n")
    newsboat = ["newsboat", "-x", "reload", "-u", "urls", "-c", "cache.db", "-C", "config"]

    rows = []
    for cycle in ("first (all 200)", "second (all 304)"):
        wall, cpu, rss, out = timed([binary, "once", "--all", "--log-level", "error", "--config", "feeds.conf"], nd)
        rows.append((os.path.basename(binary), cycle, wall, cpu, rss, out.strip()))
        if not with_newsboat:
            continue
        wall, cpu, rss, _ = timed(newsboat, nb)
        with sqlite3.connect(os.path.join(nb, "cache.db")) as db:
            stored = db.execute("SELECT count(*) FROM rss_item").fetchone()[0]
        rows.append(("newsboat", cycle, wall, cpu, rss, f"newsboat cache holds {stored} items"))
    return rows


def main():
    args = [a for a in sys.argv[1:] if a != "--newsdesk-only"]
    with_newsboat = "--newsdesk-only" not in sys.argv
    # --binary PATH (repeatable): other newsdesk builds to run after the release build, as peers.
    binaries = [NEWSDESK]
    while "--binary" in args:
        at = args.index("--binary")
        binaries.append(os.path.abspath(args[at + 1]))
        del args[at : at + 2]
    counts = [int(a) for a in args] or [1000]
    scratch = tempfile.mkdtemp(prefix="poll-bench-")
    os.chmod(scratch, 0o755)  # nginx's workers run as another user
    nginx = None
    try:
        # One nginx serves the scratch folder; each size has its own subfolder of feeds.
        nginx = start_nginx(scratch, scratch, PORT)
        print("| feeds | reader | cycle | wall s | CPU s | peak MB | feeds/s |")
        print("|---|---|---|---|---|---|---|")
        for count in counts:
            rows = []
            for index, binary in enumerate(binaries):
                rows += run(count, scratch, with_newsboat and index == 0, binary)
            for reader, cycle, wall, cpu, rss, out in rows:
                print(f"| {count} | {reader} | {cycle} | {wall:.2f} | {cpu:.2f} | {rss:.1f} | {count / wall:.0f} |")
                if out:
                    print(f"<!-- {out.splitlines()[0]} -->")
                    for line in out.splitlines()[1:3]:
                        print(f"<!-- {line} -->")
            sys.stdout.flush()
    finally:
        if nginx:
            nginx.terminate()
            nginx.wait()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
