#!/usr/bin/env python3
"""How big the state database grows under a feed that churns: every fetch brings new guids.

usage: Benchmarks/churn-growth.py BINARY... [--polls N] [--items N]

Serves one RSS feed on 127.0.0.1 whose every fetch holds --items (default 20,000) new, dated
guids (each poll's an hour newer than the last, all in the past), runs `BINARY once --all`
--polls times (default 10) on a fresh state in a temporary folder for each binary given (peers
in the same run), and prints how long each poll took and the database's size after it (the
file plus its -wal, once the process has closed it). With the caps (`max_items_per_document`,
`max_items_per_feed`) the size levels off once the feed is at its cap; without them it grows by
the whole document each poll.
"""
import argparse
import email.utils
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import time


def serve(items):
    polls = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            polls[0] += 1
            poll = polls[0]
            newest = int(time.time()) - 2 * 86_400 + poll * 3600
            parts = ['<?xml version="1.0"?><rss version="2.0"><channel><title>Churn</title>']
            for index in range(items):
                date = email.utils.formatdate(newest - index, usegmt=True)
                parts.append(
                    f"<item><guid>p{poll}-{index}</guid><title>Churning story {poll} {index}</title>"
                    f"<link>https://churn.example/{poll}/{index}</link>"
                    f"<description>Words for item {index} of poll {poll}, to take some room.</description>"
                    f"<pubDate>{date}</pubDate></item>"
                )
            body = ("".join(parts) + "</channel></rss>").encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run(binary, polls, items):
    """The (seconds, bytes) of each poll of `binary` on a fresh state and a fresh churning feed."""
    server = serve(items)
    rows = []
    with tempfile.TemporaryDirectory(prefix="newsdesk-churn-") as folder:
        config = os.path.join(folder, "feeds.conf")
        settings = '[newsdesk]\nstate = "state/newsdesk.sqlite"\noutput = "public"\n'
        feed = f'\n[[feed]]\nurl = "http://127.0.0.1:{server.server_port}/churn"\n'
        # A binary from before allow_private_networks knows no such key (and fetches loopback anyway).
        for extra in ("allow_private_networks = true\n", ""):
            with open(config, "w") as file:
                file.write(settings + extra + feed)
            if subprocess.run([binary, "check", "--config", config], capture_output=True).returncode == 0:
                break
        database = os.path.join(folder, "state", "newsdesk.sqlite")
        for poll in range(1, polls + 1):
            started = time.monotonic()
            done = subprocess.run([binary, "once", "--all", "--config", config], capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"{binary}: poll {poll}: exit {done.returncode}: {done.stderr.strip()}")
            size = sum(os.path.getsize(path) for path in (database, database + "-wal") if os.path.exists(path))
            rows.append((time.monotonic() - started, size))
    server.shutdown()
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binaries", nargs="+", help="newsdesk binaries to compare, each on its own state")
    parser.add_argument("--polls", type=int, default=10)
    parser.add_argument("--items", type=int, default=20_000, help="new guids per fetch")
    args = parser.parse_args()
    results = [run(os.path.abspath(binary), args.polls, args.items) for binary in args.binaries]
    print(f"{args.items} new guids per fetch, {args.polls} polls; seconds and bytes (database + -wal) after each poll")
    print("poll  " + "  ".join(f"{binary:>28}" for binary in args.binaries))
    for poll in range(args.polls):
        cells = [f"{seconds:7.2f} s {size:>16,} B" for seconds, size in (rows[poll] for rows in results)]
        print(f"{poll + 1:4}  " + "  ".join(f"{cell:>28}" for cell in cells))


if __name__ == "__main__":
    main()
