#!/usr/bin/env python3
"""Times 1, 2 and 3 `newsdesk once --all` daemons sharing one PostgreSQL state, next to SQLite.

Generates N RSS feeds (ITEMS items each) served by one nginx on HOSTS loopback ports (a host
is a name and a port, and one daemon at a time fetches from a host, so the feeds are spread
over several), makes a PostgreSQL cluster of its own in the scratch folder (as the postgres
user when run as root), and for each daemon count runs a first cycle (every feed new) and a
second (all 304) with that many daemons at once on a new database. Reports the wall time of
the slowest daemon, the feeds each fetched, the total throughput, PostgreSQL's CPU time
(every server process, from /proc) and the database's size. The SQLite row is one daemon on a
file, the default.

    apt-get install -y nginx postgresql
    swift build -c release
    python3 Benchmarks/shared-poll-bench.py 30000            # 1, 2 and 3 daemons
    python3 Benchmarks/shared-poll-bench.py 3000 --daemons 1 3
"""
import glob
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import loopback
from loopback import start_nginx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NEWSDESK = os.path.join(ROOT, ".build", "release", "newsdesk")
BASE_PORT = 18800
HOSTS = 30
ITEMS = 5


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_feeds(folder, count):
    loopback.write_feeds(folder, count, ITEMS, "http://example.org/", "The summary of story {i} of feed {n}, a sentence of text.")


def start_nginx_ports(scratch, docroot, ports):
    """nginx listening on every port of `ports`, serving `docroot`."""
    process = start_nginx(scratch, docroot, ports[0])
    process.terminate()
    process.wait()
    conf = os.path.join(scratch, "nginx.conf")
    text = open(conf).read().replace(
        f"listen 127.0.0.1:{ports[0]};", "".join(f"listen 127.0.0.1:{p}; " for p in ports)
    )
    open(conf, "w").write(text)
    process = subprocess.Popen(["nginx", "-c", conf, "-p", scratch], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return process


class Postgres:
    def __init__(self, scratch):
        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
        self.dir = os.path.join(scratch, "pg")
        os.makedirs(self.dir)
        self.prefix = []
        if os.getuid() == 0:
            shutil.chown(self.dir, "postgres")
            self.prefix = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]
        self.port = free_port()
        subprocess.run(self.prefix + [f"{self.bin}/initdb", "-D", f"{self.dir}/data", "-A", "trust", "-U", "newsdesk"],
                       check=True, capture_output=True, cwd="/")
        subprocess.run(self.prefix + [f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w", "-o",
                                      f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200 " + os.environ.get("BENCH_PG_OPTIONS", ""), "start"],
                       check=True, capture_output=True, cwd="/")
        self.url = f"postgresql://newsdesk@127.0.0.1:{self.port}"

    def sql(self, database, query):
        out = subprocess.run(["psql", f"{self.url}/{database}", "-XAtqc", query], check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def cpu(self):
        """CPU seconds of every process of the cluster so far (live ones)."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                cmd = open(f"/proc/{pid}/cmdline", "rb").read()
                if b"postgres" not in cmd.split(b"\0")[0]:
                    continue
                fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
            except OSError:
                continue
        return total / ticks

    def stop(self):
        subprocess.run(self.prefix + [f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "stop"],
                       capture_output=True, cwd="/")


def cycle(binary, folders):
    """Runs `once --all` in every folder at once; returns (wall of the slowest, [feeds fetched each])."""
    start = time.monotonic()
    processes = [subprocess.Popen([binary, "once", "--all", "--log-level", "error", "--config", "feeds.conf"],
                                  cwd=f, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in folders]
    polled = []
    for p in processes:
        out, err = p.communicate()
        if p.returncode != 0:
            raise SystemExit(f"newsdesk failed: {err[-2000:]}")
        match = re.search(r"polled (\d+) of", out)
        polled.append(int(match.group(1)) if match else 0)
    return time.monotonic() - start, polled


def main():
    args = sys.argv[1:]
    daemons = [1, 2, 3]
    if "--daemons" in args:
        at = args.index("--daemons")
        daemons = [int(a) for a in args[at + 1:]]
        args = args[:at]
    count = int(args[0]) if args else 30000
    scratch = tempfile.mkdtemp(prefix="shared-poll-bench-")
    os.chmod(scratch, 0o755)
    ports = [BASE_PORT + i for i in range(HOSTS)]
    write_feeds(os.path.join(scratch, "feeds"), count)
    nginx = start_nginx_ports(scratch, os.path.join(scratch, "feeds"), ports)
    pg = None
    try:
        pg = Postgres(scratch)
        print(f"{count} feeds of {ITEMS} items on {HOSTS} loopback hosts; concurrency 16, per_host 4 per daemon")
        print("| state | daemons | cycle | wall s | feeds per daemon | feeds/s in total | feeds/s per daemon | PostgreSQL CPU s | database MB |")
        print("|---|---|---|---|---|---|---|---|---|")
        runs = [("sqlite", 1)] + [("postgresql", k) for k in daemons]
        for index, (kind, k) in enumerate(runs):
            database = f"bench{index}"
            if kind == "postgresql":
                pg.sql("postgres", f"CREATE DATABASE {database}")
                state = f"{pg.url}/{database}"
            else:
                state = "state.sqlite"
            folders = []
            for d in range(k):
                folder = os.path.join(scratch, f"run{index}-{d}")
                os.makedirs(folder)
                with open(os.path.join(folder, "feeds.conf"), "w") as f:
                    f.write(f'[newsdesk]\nstate = "{state}"\nallow_private_networks = true\nconcurrency = 16\nper_host = 4\n')
                    for n in range(count):
                        f.write(f'\n[[feed]]\nurl = "http://127.0.0.1:{ports[n % HOSTS]}/f{n}.xml"\n')
                folders.append(folder)
            for name in ("first (all 200)", "second (all 304)"):
                before = pg.cpu()
                wall, polled = cycle(NEWSDESK, folders)
                pg_cpu = pg.cpu() - before if kind == "postgresql" else 0
                if kind == "postgresql":
                    size = int(pg.sql(database, "SELECT pg_database_size(current_database())")) / 1e6
                else:
                    size = sum(os.path.getsize(p) for p in glob.glob(os.path.join(folders[0], "state.sqlite*"))) / 1e6
                total = sum(polled)
                print(f"| {kind} | {k} | {name} | {wall:.2f} | {' / '.join(map(str, polled))} | {total / wall:.0f} | "
                      f"{total / wall / k:.0f} | {pg_cpu:.1f} | {size:.1f} |", flush=True)
    finally:
        if pg:
            if os.environ.get("BENCH_PG_LOG"):
                shutil.copy(f"{pg.dir}/log", os.environ["BENCH_PG_LOG"])
            pg.stop()
        nginx.terminate()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
