#!/usr/bin/env python3
"""Writes a synthetic RSS feed whose text is almost all Chinese (three-byte UTF-8), for checking
that speed work tuned on the mostly-Latin shared corpus does not slow down other scripts:

    python3 Benchmarks/cjk-feed.py /tmp/cjk/cjk.xml
    .build/release/newsdesk bench parse --stages --rounds 50 /tmp/cjk

300 items, each a 20-character title and a plain-text description of about 800 characters
(767 KB in all); the same seed gives the same file.
"""
import os
import random
import sys


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/cjk/cjk.xml"
    rng = random.Random(1)
    hanzi = [chr(c) for c in range(0x4E00, 0x9FA5)]

    def words(n: int) -> str:
        return "".join(rng.choice(hanzi) for _ in range(n))

    items = []
    for i in range(300):
        title, body = words(20), words(400)
        items.append(
            f"<item><title>{title}</title><link>https://cn.example/{i}</link>"
            f"<description>{body}，{body}。</description></item>"
        )
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>中文</title>')
        out.write("".join(items))
        out.write("</channel></rss>")


if __name__ == "__main__":
    main()
