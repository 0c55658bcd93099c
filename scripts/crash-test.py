#!/usr/bin/env python3
"""Crash safety: SIGKILL the daemon at random moments, restart it, and check nothing broke.

Serves FEEDS feeds from 127.0.0.1 that gain an item every 2 seconds each (the newest 30 in the
document), runs `newsdesk run` with `publish_every = "1m"` and 2-second feed intervals
(NEWSDESK_MIN_INTERVAL lowers the usual 5-minute floor), and kills it with SIGKILL after a
random 0.2-3 s, over and over: some kills land mid-poll, mid-transaction, mid-publish. One run
in ten is killed exactly between fetching and storing (NEWSDESK_FAULT=kill-before-store) and
one in ten exactly between writing and renaming a file (NEWSDESK_FAULT=kill-mid-publish). Then
a clean run catches up, and the script checks:

- PRAGMA integrity_check is ok;
- every output is whole: ranked.atom and each archive parse as Atom (and pass
  ../shared/tools/validate-atom when it is there), each digest starts with its title;
- no item was lost: every guid the server ever served is stored;
- none is stored twice, and no story appears twice in one archive;
- every period from the first published to the last finished one was published exactly once,
  with one archive and one digest file each.

    swift build -c release
    python3 scripts/crash-test.py [--kills 50] [--feeds 20] [--minutes 3]
"""
import argparse
import http.server
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NEWSDESK = os.path.join(ROOT, ".build", "release", "newsdesk")
VALIDATE = os.path.join(ROOT, "..", "shared", "tools", "validate-atom")
ATOM = "{http://www.w3.org/2005/Atom}"

served = set()
served_lock = threading.Lock()
start = time.time()


class Feeds(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        try:
            feed = int(self.path.strip("/f"))
        except ValueError:
            self.send_error(404)
            return
        step = int((time.time() - start) / 2)
        items = range(max(0, step - 30), step + 1)
        body = "".join(
            f"<item><guid>f{feed}-{k}</guid><title>Feed {feed} bulletin {k}: tide, ferry and harbour news</title>"
            f"<link>https://f{feed}.example/{k}</link></item>" for k in items)
        data = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>{body}</channel></rss>'.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            return  # the daemon was killed mid-response: nothing was served
        with served_lock:
            served.update(f"f{feed}-{k}" for k in items)

    def log_message(self, *args):
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # clients killed mid-request are the point of this script


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=3)
    args = parser.parse_args()

    server = QuietServer(("127.0.0.1", 0), Feeds)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    folder = tempfile.mkdtemp(prefix="newsdesk-crash-")
    config = os.path.join(folder, "feeds.conf")
    with open(config, "w") as f:
        f.write('[newsdesk]\nstate = "state.sqlite"\nallow_private_networks = true\noutput = "public"\npublish_every = "1m"\ntimeout = "5s"\n'
                'concurrency = 32\nper_host = 32\n')
        for n in range(args.feeds):
            f.write(f'\n[[feed]]\nurl = "http://127.0.0.1:{port}/f{n}"\ninterval = "2s"\n')
    env = dict(os.environ, NEWSDESK_MIN_INTERVAL="1")
    rng = random.Random(1)
    kills = faults = 0
    print(f"folder {folder}; killing newsdesk run at least {args.kills} times over {args.minutes} min")
    while kills < args.kills or time.time() - start < args.minutes * 60:
        run_env = dict(env)
        fault = None
        if kills % 10 == 3:
            fault = "kill-before-store"
        elif kills % 10 == 7:
            fault = "kill-mid-publish"
        if fault:
            run_env["NEWSDESK_FAULT"] = fault
        daemon = subprocess.Popen([NEWSDESK, "run", "--log-level", "error", "--config", config],
                                  env=run_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            daemon.wait(timeout=rng.uniform(0.2, 3.0))
        except subprocess.TimeoutExpired:
            daemon.send_signal(signal.SIGKILL)
            daemon.wait()
        if daemon.returncode == -signal.SIGKILL:
            kills += 1
            faults += 1 if fault else 0
        else:
            print(f"the daemon exited by itself with status {daemon.returncode}")
            return 1
    # A clean catch-up: one cycle that fetches everything and publishes what is due.
    subprocess.run([NEWSDESK, "once", "--all", "--log-level", "error", "--config", config], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    server.shutdown()
    return check(folder, kills, faults)


def check(folder, kills, faults):
    problems = []
    db = sqlite3.connect(os.path.join(folder, "state.sqlite"))
    if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        problems.append("integrity_check failed")
    stored = [row[0] for row in db.execute("SELECT key FROM item")]
    guids = {key[2:] for key in stored if key.startswith("g:")}
    lost = served - guids
    if lost:
        problems.append(f"{len(lost)} served items never stored, e.g. {sorted(lost)[:5]}")
    if len(stored) != len(set(stored)) or len(guids) != len([k for k in stored if k.startswith("g:")]):
        problems.append("an item is stored twice")

    public = os.path.join(folder, "public")
    atoms = [os.path.join(public, "ranked.atom")]
    for base, _, files in os.walk(os.path.join(public, "archive")):
        atoms += [os.path.join(base, f) for f in files if f.endswith(".atom")]
    for path in atoms:
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:
            problems.append(f"{path}: not well-formed: {e}")
            continue
        ids = [e.findtext(ATOM + "id") for e in root.findall(ATOM + "entry")]
        if len(ids) != len(set(ids)):
            problems.append(f"{path}: a story appears twice")
    leftovers = [f for base, _, files in os.walk(public) for f in files if f.startswith(".")]
    if os.path.exists(VALIDATE):
        result = subprocess.run([VALIDATE] + atoms, capture_output=True, text=True)
        if result.returncode != 0:
            problems.append("validate-atom: " + result.stdout.strip().splitlines()[-1])
    digests = []
    for base, _, files in os.walk(os.path.join(public, "digest")):
        digests += [os.path.join(base, f) for f in files if f.endswith(".md")]
    for path in digests:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if not text.startswith("# Top news, ") or not (("| # | Title | i-Score |" in text) or "No story had new coverage" in text):
            problems.append(f"{path}: not a whole digest")

    periods = [row[0] for row in db.execute("SELECT period_start FROM published ORDER BY period_start")]
    gaps = [b - a for a, b in zip(periods, periods[1:]) if b - a != 60]
    if gaps:
        problems.append(f"periods not published exactly once in a row: steps {gaps}")
    archives = [a for a in atoms if "/archive/" in a]
    if len(archives) != len(periods) or len(digests) - 1 != len(periods):
        problems.append(f"{len(periods)} periods published, {len(archives)} archives, {len(digests) - 1} hourly digests")

    print(f"kills survived: {kills} ({faults} of them at an injected fault point)")
    print(f"items served {len(served)}, stored {len(stored)}; periods published {len(periods)}; "
          f"outputs checked {len(atoms)} Atom, {len(digests)} Markdown; stray temporary files {len(leftovers)}")
    for p in problems:
        print("PROBLEM:", p)
    print("ok" if not problems else "FAILED")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
