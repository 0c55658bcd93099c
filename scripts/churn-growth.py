#!/usr/bin/env python3
"""How big the state database grows under a feed that churns: every fetch brings new guids.

usage: scripts/churn-growth.py BINARY [POLLS [ITEMS]]

Serves one RSS feed on 127.0.0.1 whose every fetch holds ITEMS (default 20,000) new, dated
guids (each poll's an hour newer than the last, all in the past), runs `BINARY once --all`
POLLS times (default 10) on a fresh state in a temporary folder, and prints how long each poll
took and the database's size after it (the file plus its -wal, once the process has closed it). With the caps (`max_items_per_document`,
`max_items_per_feed`) the size levels off once the feed is at its cap; without them it grows by
the whole document each poll.
"""
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


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    polls = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    items = int(sys.argv[3]) if len(sys.argv) > 3 else 20_000
    server = serve(items)
    with tempfile.TemporaryDirectory(prefix="newsdesk-churn-") as folder:
        config = os.path.join(folder, "feeds.conf")
        with open(config, "w") as file:
            file.write(
                '[newsdesk]\nstate = "state/newsdesk.sqlite"\noutput = "public"\nallow_private_networks = true\n'
                f'\n[[feed]]\nurl = "http://127.0.0.1:{server.server_port}/churn"\n'
            )
        database = os.path.join(folder, "state", "newsdesk.sqlite")
        print(f"{items} new guids per fetch, {polls} polls")
        print("poll  seconds  bytes")
        for poll in range(1, polls + 1):
            started = time.monotonic()
            done = subprocess.run([binary, "once", "--all", "--config", config], capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"poll {poll}: exit {done.returncode}: {done.stderr.strip()}")
            size = sum(os.path.getsize(path) for path in (database, database + "-wal") if os.path.exists(path))
            print(f"{poll:4}  {time.monotonic() - started:7.2f}  {size:,}")
    server.shutdown()


if __name__ == "__main__":
    main()
