#!/usr/bin/env python3
"""Write JSON Feed 1.1 versions of a folder of RSS/Atom feeds, for timing the JSON Feed reader.

usage: Benchmarks/jsonfeed-corpus.py [--newsdesk PATH] OUT_DIR PATH...

Each feed under PATH (.xml .rss .atom .rdf .feed) is read with `newsdesk parse --json` and
written to OUT_DIR as a JSON Feed 1.1 document with the same titles, links, dates, authors,
tags, HTML and enclosures, so that the JSON figures can be set beside the XML ones for the same
text. Feeds Newsdesk cannot read are skipped. Then, e.g.:

    .build/release/newsdesk bench parse --rounds 5 OUT_DIR/*.json
    python3 Benchmarks/compare-parsers.py --rounds 5 OUT_DIR/*.json

(the "libxml2 floor" line means nothing for JSON: libxml2 refuses the files at once).
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys

def load_compare_parsers():
    """Benchmarks/compare-parsers.py as a module, for its feed_files()."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "compare-parsers.py")
    spec = importlib.util.spec_from_file_location("compare_parsers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def drop_empty(obj):
    return {k: v for k, v in obj.items() if v not in (None, [], "")}


def to_json_feed(parsed):
    items = []
    for item in parsed["items"]:
        items.append(drop_empty({
            "id": item.get("identity"),
            "url": item.get("link"),
            "title": item.get("title"),
            "summary": item.get("excerpt"),
            "content_html": item.get("content") or item.get("summary"),
            "date_published": item.get("published"),
            "date_modified": item.get("updated"),
            "authors": [{"name": a} for a in item.get("authors", [])],
            "tags": item.get("categories"),
            "image": item.get("thumbnail"),
            "attachments": [drop_empty({"url": e["url"], "mime_type": e.get("type"), "size_in_bytes": e.get("length")})
                            for e in item.get("enclosures", [])],
        }))
    return drop_empty({
        "version": "https://jsonfeed.org/version/1.1",
        "title": parsed.get("title"),
        "home_page_url": parsed.get("link"),
        "feed_url": parsed.get("self"),
        "description": parsed.get("subtitle"),
        "language": parsed.get("language"),
        "items": items,
    })


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--newsdesk", default=".build/release/newsdesk")
    parser.add_argument("out")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    written = skipped = 0
    for index, path in enumerate(load_compare_parsers().feed_files(args.paths)):
        result = subprocess.run([args.newsdesk, "parse", "--json", path], capture_output=True)
        if result.returncode != 0:
            skipped += 1
            continue
        feed = to_json_feed(json.loads(result.stdout))
        name = "%03d-%s.json" % (index, os.path.splitext(os.path.basename(path))[0])
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as out:
            json.dump(feed, out, ensure_ascii=False, indent=1)
        written += 1
    print(f"{written} JSON feeds written to {args.out}, {skipped} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
