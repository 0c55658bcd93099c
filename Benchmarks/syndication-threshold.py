#!/usr/bin/env python3
"""Measures how well the wire-copy similarity separates copies from independent reports.

Labelled pairs, built at run time (nothing from the corpus is stored in the repository):
- copies: an article's title and 280-character excerpt against the same text with the edits
  outlets make when they reprint wire copy (an outlet suffix, an "UPDATE 2-" prefix, a cut
  excerpt, a changed word, other punctuation, a new headline, no excerpt at all, and all of the
  small edits at once);
- independent: the SemEval 2022 task 8 pairs rated the same story (overall <= 2), each written by
  its own outlet, in the same language, with their excerpts and by their headlines alone;
- unrelated: the pairs rated different stories (overall >= 3.5), as a sanity check.

The similarity comes from the daemon's own code, through the hidden `newsdesk similarity`.

    swift build
    python3 Benchmarks/syndication-threshold.py ../shared/corpus/stories/semeval-train.csv
    python3 Benchmarks/syndication-threshold.py ../shared/corpus/stories/semeval-train.csv --sweep

Prints the spread of each kind of pair and, for each threshold, the share of copies found and
of independent reports wrongly taken for copies. `--sweep` tries other shingle lengths and floors;
`--shingle N` and `--floor N` measure one of them.
"""
import csv
import json
import os
import random
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXCERPT = 280
SUFFIXES = [" - Reuters", " | Yahoo News", " (AP)", " - The Star", " | Daily Mail Online", " – Channel NewsAsia"]
PREFIXES = ["UPDATE 2-", "UPDATE 1-", "BREAKING: ", "WRAPUP 1-"]


def newsdesk():
    for build in ("release", "debug"):
        path = os.path.join(ROOT, ".build", build, "newsdesk")
        if os.path.exists(path):
            return path
    sys.exit("build newsdesk first (swift build)")


def cjk(text):
    return sum(1 for c in text if "\u4e00" <= c <= "\u9fff" or "\u3040" <= c <= "\u30ff") > len(text) / 4


def cut(text, limit):
    """`text` cut to `limit` characters at a word (as Newsdesk's excerpts are), with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    if not cjk(head) and " " in head:
        head = head[: head.rindex(" ")]
    return head.rstrip() + "…"


def article(text):
    """A title and an excerpt from a SemEval text, which starts with the headline."""
    text = text.strip()
    match = re.search(r"\n|  ", text)
    if match and match.start() <= 200:
        title, body = text[: match.start()], text[match.end():]
    elif cjk(text[:200]):
        title, body = text[:40], text[40:]
    else:
        words = text.split()
        title, body = " ".join(words[:12]), " ".join(words[12:])
    return title.strip(), cut(" ".join(body.split()), EXCERPT)


def change_word(text, rng):
    if cjk(text):
        if len(text) < 6:
            return text
        i = rng.randrange(len(text) - 2)
        return text[:i] + "某某" + text[i + 2:]
    words = text.split()
    if len(words) < 3:
        return text
    i = rng.randrange(len(words))
    words[i] = rng.choice(["reportedly", "Tuesday", "officials", "nearly", "major"])
    return " ".join(words)


def punctuate(text):
    text = text.replace("'", "\u2019").replace('"', "\u201c").replace(" - ", " \u2014 ").replace(",", "")
    return text.replace(":", " -") if ":" in text else text + "."


def copies(title, excerpt, rng, headlines):
    yield "outlet suffix", (title + rng.choice(SUFFIXES), excerpt)
    yield "UPDATE prefix", (rng.choice(PREFIXES) + title, excerpt)
    yield "cut excerpt", (title, cut(excerpt, int(len(excerpt) * rng.uniform(0.35, 0.8))))
    yield "changed word", (change_word(title, rng), change_word(excerpt, rng))
    yield "punctuation", (punctuate(title), punctuate(excerpt))
    yield "new headline", (rng.choice(headlines), excerpt)
    yield "no excerpt", (title + rng.choice(SUFFIXES), None)
    small = rng.choice(PREFIXES) + change_word(punctuate(title), rng) + rng.choice(SUFFIXES)
    yield "all small edits", (small, change_word(cut(excerpt, int(len(excerpt) * rng.uniform(0.5, 0.9))), rng))


def measure(binary, pairs, options):
    lines = "".join(json.dumps({"a": list(a), "b": list(b)}, ensure_ascii=False) + "\n" for _, a, b in pairs)
    out = subprocess.run([binary, "similarity", *options], input=lines, capture_output=True, text=True, check=True)
    return [float(x) for x in out.stdout.split()]


def quantile(values, q):
    values = sorted(values)
    return values[min(int(q * len(values)), len(values) - 1)]


def main():
    argv = sys.argv[1:]
    options = []  # --shingle N, --floor N: passed on to `newsdesk similarity`
    for name in ("--shingle", "--floor"):
        if name in argv:
            at = argv.index(name)
            options += argv[at:at + 2]
            del argv[at:at + 2]
    args = [a for a in argv if not a.startswith("--")]
    corpus = args[0] if args else os.path.join(ROOT, "..", "shared", "corpus", "stories", "semeval-train.csv")
    binary = newsdesk()
    rng = random.Random(8)
    rows = [r for r in csv.DictReader(open(corpus, encoding="utf-8")) if r["lang1"] == r["lang2"]]
    articles = [article(r[key]) for r in rows for key in ("text1", "text2")]
    articles = [a for a in articles if a[0] and a[1]]
    headlines = [a[0] for a in articles]
    pairs = []
    for title, excerpt in articles:
        for kind, copy in copies(title, excerpt, rng, headlines):
            pairs.append(("copy: " + kind + (" (zh)" if cjk(excerpt) else ""), (title, excerpt), copy))
    for r in rows:
        a, b = article(r["text1"]), article(r["text2"])
        overall = float(r["overall"])
        zh = " (zh)" if r["lang1"] == "zh" else ""
        if overall <= 2:
            pairs.append(("independent, same story" + zh, a, b))
            pairs.append(("independent, headlines only" + zh, (a[0], None), (b[0], None)))
        elif overall >= 3.5:
            pairs.append(("unrelated" + zh, a, b))

    if "--sweep" in sys.argv:
        print("shingle  floor  best threshold  copies found  independent taken for copies")
        for shingle in (2, 3, 4, 5):
            for floor in (1, 4, 6, 8, 12):
                scores = measure(binary, pairs, ["--shingle", str(shingle), "--floor", str(floor)])
                copy = [s for (k, _, _), s in zip(pairs, scores) if k.startswith("copy")]
                indep = [s for (k, _, _), s in zip(pairs, scores) if k.startswith("independent")]
                found, taken, bar = max(
                    (sum(s >= bar for s in copy) / len(copy), sum(s >= bar for s in indep) / len(indep), bar)
                    for bar in (step * 0.05 for step in range(4, 17))
                    if sum(s >= bar for s in indep) / len(indep) <= 0.01
                )
                print(f"{shingle:7d}  {floor:5d}  {bar:14.2f}  {found:12.1%}  {taken:28.1%}")
        return

    scores = measure(binary, pairs, options)
    kinds = {}
    for (kind, _, _), score in zip(pairs, scores):
        kinds.setdefault(kind, []).append(score)
    print(f"{'pairs':34s} {'n':>5s} {'min':>6s} {'1%':>6s} {'5%':>6s} {'median':>6s} {'95%':>6s} {'99%':>6s} {'max':>6s}")
    for kind in sorted(kinds):
        v = kinds[kind]
        qs = [min(v), quantile(v, 0.01), quantile(v, 0.05), quantile(v, 0.5), quantile(v, 0.95), quantile(v, 0.99), max(v)]
        print(f"{kind:34s} {len(v):5d} " + " ".join(f"{q:6.3f}" for q in qs))
    copy = [s for (k, _, _), s in zip(pairs, scores) if k.startswith("copy")]
    small = [s for (k, _, _), s in zip(pairs, scores) if k.startswith("copy") and "headline" not in k and "no excerpt" not in k]
    indep = [s for (k, _, _), s in zip(pairs, scores) if k.startswith("independent")]
    unrelated = [s for (k, _, _), s in zip(pairs, scores) if k.startswith("unrelated")]
    print()
    print("threshold  copies found  (small edits)  independent taken for copies  unrelated taken for copies")
    for step in range(4, 17):
        bar = step * 0.05
        print(
            f"{bar:9.2f}  {sum(s >= bar for s in copy) / len(copy):12.1%}  {sum(s >= bar for s in small) / len(small):13.1%}"
            f"  {sum(s >= bar for s in indep) / len(indep):28.1%}  {sum(s >= bar for s in unrelated) / len(unrelated):26.1%}"
        )


if __name__ == "__main__":
    main()
