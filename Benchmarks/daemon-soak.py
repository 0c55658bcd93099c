#!/usr/bin/env python3
"""Steady-state memory and CPU of `newsdesk run` polling N loopback feeds for a long while.

Generates N RSS feeds (20 items each), serves them with nginx on 127.0.0.1 (static files, so
unchanged feeds answer 304), and starts one `newsdesk run` on them. While it runs, a writer
adds a new item to a share of the feeds every poll interval (a news-like stream: each new
item retells one of a handful of current events in its own words, so stories form with
several sources, and the clusterer, scorer and publisher have real work every cycle; at start
each feed holds 20 such items from the last six hours, about five per event).

Time is compressed, as documented in docs/BENCHMARKS.md: every feed is polled every
`--interval` seconds (default 60, instead of the usual 15-30 minutes; NEWSDESK_MIN_INTERVAL
lowers the 5-minute floor) and the ranked outputs are published every `--publish-every`
(default "5m", instead of hourly). One hour of this is 60 full polling cycles of every
feed, what a 15-minute interval does in 15 hours.

Every 5 s the script reads the daemon's resident memory and CPU time from /proc; it prints
one row per `--slice` minutes (memory, CPU seconds and share of one core, requests served
with 200 and 304, items and stories stored), then a summary: memory at the end of the first
slice against the end and the peak, CPU per cycle. SIGTERM ends the daemon at the end; the
script checks it exits 0.

    apt-get install -y nginx
    swift build -c release
    python3 Benchmarks/daemon-soak.py --feeds 1000 --minutes 60
"""
import argparse
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

from loopback import start_nginx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NEWSDESK = os.path.join(ROOT, ".build", "release", "newsdesk")
PORT = 18734
ITEMS = 20
WORDS = (
    "minister parliament storm flood election court ruling strike union bank rates inflation "
    "vaccine trial outbreak summit treaty border ceasefire protest verdict launch rocket satellite "
    "merger shares profit recall airline airport wildfire earthquake drought harvest tariff export "
    "budget deficit pension reform teachers nurses railway bridge tunnel stadium final champion "
    "record museum festival scandal resignation investigation police arrest hackers outage "
    "telescope comet glacier reactor pipeline refinery vote coalition senate governor mayor"
).split()
FILLER = "officials said on the after a new report about its latest in the city today as expected".split()


class Feeds:
    """The served folder: N feeds of the ITEMS newest items each, rewritten atomically."""

    def __init__(self, folder, count, rng):
        self.folder, self.count, self.rng = folder, count, rng
        self.items = [[] for _ in range(count)]
        self.serial = 0
        self.events = []
        os.makedirs(folder, exist_ok=True)
        # About five items per event, as in real news: most stories have one to a few sources.
        self.new_events(count * ITEMS // 5, keep=count * ITEMS // 5)
        for n in range(count):
            for _ in range(ITEMS):
                self.add_item(n, time.time() - self.rng.uniform(0, 6 * 3600))
            self.write(n)

    def new_events(self, count, keep):
        """Adds `count` events, each three common words and four names; keeps the newest `keep`."""
        for _ in range(count):
            names = ["".join(self.rng.choice("bcdfghklmnprstvz") + self.rng.choice("aeiou") for _ in range(3))
                     for _ in range(4)]
            self.events.append((self.rng.sample(WORDS, 3), names))
        self.events = self.events[-keep:]

    def add_item(self, n, stamp):
        """A new item telling one of the current events: three of its names, in other words."""
        self.serial += 1
        common, names = self.rng.choice(self.events)
        words = self.rng.sample(names, 3) + self.rng.sample(common, 2) + self.rng.sample(FILLER, 3)
        self.rng.shuffle(words)
        title = " ".join(words).capitalize()
        date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(stamp))
        self.items[n].insert(
            0,
            f"<item><title>{title}</title><link>http://127.0.0.1:{PORT}/article/{self.serial}</link>"
            f"<guid>item-{self.serial}</guid><pubDate>{date}</pubDate>"
            f"<description>&lt;p&gt;{title}. {' '.join(self.rng.sample(WORDS + FILLER, 25))}.&lt;/p&gt;</description></item>",
        )
        del self.items[n][ITEMS:]

    def write(self, n):
        path = os.path.join(self.folder, f"f{n}.xml")
        with open(path + ".tmp", "w") as f:
            f.write(
                '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                f"<title>Outlet {n}</title><link>http://127.0.0.1:{PORT}/outlet/{n}</link>"
                f"<description>Generated outlet {n}</description>{''.join(self.items[n])}</channel></rss>"
            )
        os.replace(path + ".tmp", path)

    def tick(self, share):
        """One interval of news: a few new events, and a new item in `share` of the feeds."""
        changed = max(1, int(self.count * share))
        # One new event per four new items; an event stays news for about six intervals.
        self.new_events(max(1, changed // 4), keep=max(1, changed // 4) * 6)
        for n in self.rng.sample(range(self.count), changed):
            self.add_item(n, time.time())
            self.write(n)


def sample(pid):
    """(resident MB, CPU seconds user+system) of a live process, from /proc."""
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return rss / 1024, (int(fields[11]) + int(fields[12])) / ticks


def requests(log):
    """Requests answered so far: (200s, 304s, others)."""
    counts = {"200": 0, "304": 0}
    other = 0
    try:
        with open(log) as f:
            for line in f:
                status = line.strip()
                if status in counts:
                    counts[status] += 1
                else:
                    other += 1
    except FileNotFoundError:
        pass
    return counts["200"], counts["304"], other


def stored(state):
    try:
        with sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=5) as db:
            items = db.execute("SELECT count(*) FROM item").fetchone()[0]
            stories = db.execute("SELECT count(*) FROM story").fetchone()[0]
        return items, stories
    except sqlite3.Error:
        return None, None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--interval", type=int, default=60, help="seconds between polls of a feed")
    parser.add_argument("--publish-every", default="5m")
    parser.add_argument("--cluster-window", default="48h",
                        help="how far back stories stay open; shorten it to see memory level off within the run")
    parser.add_argument("--share", type=float, default=0.1, help="share of feeds with a new item per interval")
    parser.add_argument("--slice", type=float, default=5, help="minutes per printed row")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="daemon-soak-")
    os.chmod(scratch, 0o755)  # nginx's workers run as another user
    docroot = os.path.join(scratch, "www")
    feeds = Feeds(os.path.join(docroot, "feeds"), args.feeds, random.Random(args.seed))
    work = os.path.join(scratch, "newsdesk")
    os.makedirs(work)
    state = os.path.join(work, "state.sqlite")
    with open(os.path.join(work, "feeds.conf"), "w") as f:
        f.write(
            f'[newsdesk]\nstate = "state.sqlite"\nallow_private_networks = true\noutput = "public"\nconcurrency = 16\nper_host = 16\n'
            f'poll_interval = "{args.interval}s"\npublish_every = "{args.publish_every}"\n'
            f'cluster_window = "{args.cluster_window}"\n'
        )
        for n in range(args.feeds):
            f.write(f'\n[[feed]]\nurl = "http://127.0.0.1:{PORT}/feeds/f{n}.xml"\ninterval = "{args.interval}s"\n')

    nginx = start_nginx(scratch, docroot, PORT, os.path.join(scratch, "access.log"))
    env = dict(os.environ, NEWSDESK_MIN_INTERVAL=str(args.interval))
    log = open(os.path.join(scratch, "newsdesk.log"), "w")
    daemon = subprocess.Popen([NEWSDESK, "run", "--log-level", "warning", "--config", "feeds.conf"],
                              cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    stop = threading.Event()

    def writer():
        while not stop.wait(args.interval):
            feeds.tick(args.share)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    print(f"{args.feeds} feeds polled every {args.interval} s, published every {args.publish_every}, "
          f"stories open for {args.cluster_window}, "
          f"{args.share:.0%} of feeds with a new item per interval, for {args.minutes:g} min; scratch {scratch}")
    print("| minute | RSS MB | peak RSS MB | CPU s in slice | CPU % of a core | 200s | 304s | other | items | stories |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    start = time.time()
    samples = []  # (seconds since start, rss MB, cpu s)
    last_row = (0.0, 0.0, (0, 0, 0))
    next_row = args.slice * 60
    try:
        while time.time() - start < args.minutes * 60:
            time.sleep(5)
            if daemon.poll() is not None:
                raise SystemExit(f"newsdesk run exited early with {daemon.returncode}; log {log.name}")
            elapsed = time.time() - start
            rss, cpu = sample(daemon.pid)
            samples.append((elapsed, rss, cpu))
            if elapsed >= next_row:
                served = requests(os.path.join(scratch, "access.log"))
                items, stories = stored(state)
                slice_cpu = cpu - last_row[1]
                slice_wall = elapsed - last_row[0]
                peak = max(s[1] for s in samples)
                delta = [served[i] - last_row[2][i] for i in range(3)]
                print(f"| {elapsed / 60:.1f} | {rss:.1f} | {peak:.1f} | {slice_cpu:.1f} | "
                      f"{100 * slice_cpu / slice_wall:.1f} | {delta[0]} | {delta[1]} | {delta[2]} | {items} | {stories} |")
                sys.stdout.flush()
                last_row = (elapsed, cpu, served)
                next_row += args.slice * 60
    finally:
        stop.set()
        daemon.send_signal(signal.SIGTERM)
        try:
            code = daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
            code = "killed after 30 s"
        nginx.terminate()
        nginx.wait()

    first_slice = next((s for s in samples if s[0] >= args.slice * 60), samples[-1])
    total_cpu = samples[-1][2]
    wall = samples[-1][0]
    cycles = wall / args.interval
    served = requests(os.path.join(scratch, "access.log"))
    print()
    print(f"RSS after {first_slice[0] / 60:.0f} min: {first_slice[1]:.1f} MB; at the end ({wall / 60:.0f} min): "
          f"{samples[-1][1]:.1f} MB; peak {max(s[1] for s in samples):.1f} MB")
    print(f"CPU: {total_cpu:.1f} s in {wall:.0f} s ({100 * total_cpu / wall:.1f}% of one core), "
          f"{total_cpu / cycles:.2f} s per {args.interval}-s cycle of {args.feeds} feeds; "
          f"requests 200/304/other: {served[0]}/{served[1]}/{served[2]}")
    warnings = sum(1 for _ in open(log.name))
    print(f"newsdesk run exit status after SIGTERM: {code}; {warnings} log lines at warning or above ({log.name})")
    if code != 0:
        raise SystemExit(1)
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
