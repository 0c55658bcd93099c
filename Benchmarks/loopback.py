"""The static loopback server the benchmarks poll: nginx on 127.0.0.1 serving a folder.

nginx answers conditional requests on static files with 304 by itself, as a real feed server
would. With `status_log`, it writes one line per request holding only its status code.
"""
import os
import subprocess
import time


def start_nginx(scratch, docroot, port, status_log=None):
    """Starts nginx (not as a daemon) with its files in `scratch`; returns the process."""
    conf = os.path.join(scratch, "nginx.conf")
    logging = f"log_format status '$status';\n    access_log {status_log} status;" if status_log else "access_log off;"
    with open(conf, "w") as f:
        f.write(f"""
worker_processes 1;
daemon off;
pid {scratch}/nginx.pid;
error_log {scratch}/nginx-error.log;
events {{ worker_connections 4096; }}
http {{
    {logging}
    client_body_temp_path {scratch}/tmp;
    types {{ application/rss+xml xml; }}
    server {{
        listen 127.0.0.1:{port};
        root {docroot};
        keepalive_requests 100000;
    }}
}}
""")
    os.makedirs(os.path.join(scratch, "tmp"), exist_ok=True)
    process = subprocess.Popen(["nginx", "-c", conf, "-p", scratch])
    time.sleep(0.5)
    return process


def write_feeds(folder, count, items, site, summary, channel_description=False):
    """Writes `count` RSS feeds f0.xml... of `items` items each into `folder`: links under `site`,
    each item's description `summary` (a format with {i} and {n}, already escaped for XML)."""
    os.makedirs(folder, exist_ok=True)
    for n in range(count):
        body = "".join(
            f"<item><title>Feed {n} story {i}: a headline of usual length</title>"
            f"<link>{site}article/{n}/{i}</link><guid>feed-{n}-item-{i}</guid>"
            f"<pubDate>Fri, 27 Nov 2026 {i % 24:02d}:00:00 GMT</pubDate>"
            f"<description>{summary.format(i=i, n=n)}</description></item>"
            for i in range(items)
        )
        about = f"<description>Generated feed {n}</description>" if channel_description else ""
        with open(os.path.join(folder, f"f{n}.xml"), "w") as f:
            f.write(
                '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                f"<title>Feed {n}</title><link>{site}</link>{about}{body}</channel></rss>"
            )
