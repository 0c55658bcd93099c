#!/usr/bin/env python3
"""Run Newsdesk over feedparser's conformance suite and report the core-field pass rate.

usage: scripts/conformance.py [--bin NEWSDESK] [--suite DIR] [--jobs N] [--show N]
                              [--group PREFIX] [--timeout SECONDS]

  --bin     the newsdesk binary (default: $NEWSDESK_BIN, else .build/release/newsdesk
            or .build/debug/newsdesk under the repository)
  --suite   the converted feedparser suite (default /work/shared/corpus/conformance);
            it is only read, never copied or written
  --jobs    parallel `newsdesk parse --json` runs (default: number of CPUs)
  --show N  print the first N failing checks with expected vs got
  --group   only run groups whose name starts with PREFIX (e.g. wellformed/rss)

e.g.  python3 scripts/conformance.py --bin /tmp/newsdesk-snapshot --show 40

What it does
------------
`expectations.jsonl` in the suite holds one line per feedparser test file with a
list of checks `{path, op, value}` written in feedparser's result vocabulary
(["entries", 0, "title"], ["feed", "link"], ["encoding"], ["version"], ...).
Each file is run through `newsdesk parse --json FILE` and every check is put in
one of three buckets:

  pass / fail  the check is on a *core* field that Newsdesk models; it is mapped
               onto Newsdesk's JSON and compared (see MAPPING below);
  skip         the check is on a field Newsdesk does not model (rights, info,
               itunes_*, source, contributors, links[], *_detail.type/base/
               language, generator, image, ...), or the file's HTTP headers
               change how feedparser reads it in a way the binary cannot be told
               (a Content-Type charset or a text/* type, which RFC 3023 makes
               us-ascii; a Content-Language default). Skips are counted apart
               and never fail.

Files feedparser fetched over HTTP in its own test run (names starting "http",
or carrying headers) are given `--base-url http://127.0.0.1:8097/<file>`, the
URL feedparser saw, or the Content-Location header resolved against it when
that is an http(s) URL (feedparser ignores unsafe ones such as javascript:).
Other headers (X-Foo, Last-Modified, ETag) do not change parsing and only
appear in checks that are not core.

If Newsdesk rejects a document (exit 1), all of that file's core checks fail.

MAPPING (feedparser -> Newsdesk JSON)
  version                           -> format: rss090/091n/091u/092/093/094 ->
                                       rss0.9x, rss10 -> rss1.0, rss20 -> rss2.0,
                                       atom03 -> atom0.3, atom10 -> atom1.0;
                                       feedparser's bare "rss"/"atom" (version
                                       unknown) accepts any RSS/Atom format
  encoding                          -> encoding, case-insensitively after
                                       Python codec alias resolution; the Latin-1
                                       family (iso-8859-1, latin-1, windows-1252)
                                       counts as one encoding, since Newsdesk
                                       reads declared Latin-1 as its superset
                                       windows-1252 (as browsers do); likewise
                                       the other WHATWG label->superset pairs:
                                       big5/Big5-HKSCS, gb2312/GBK, euc-kr/
                                       cp949, shift_jis/cp932, tis-620/
                                       windows-874, iso-8859-9/windows-1254
                                       (ENCODING_FAMILY)
  feed.title, title_detail.value    -> title               (plain text, below)
  feed.subtitle/tagline/description -> subtitle            (HTML, below)
  feed.link                         -> link                (exact)
  feed.language                     -> language            (exact)
  feed.updated/published(_parsed)   -> updated             (date; Newsdesk keeps
                                       one feed date)
  entries[i].title, title_detail    -> items[i].title      (plain text)
  entries[i].link                   -> items[i].link       (exact)
  entries[i].id / guid              -> items[i].id         (exact)
  entries[i].summary/description,
    summary_detail.value            -> items[i].summary, or items[i].content when
                                       there is no summary (feedparser fills the
                                       summary from the content the same way)
  entries[i].content[0].value       -> items[i].content    (HTML)
  entries[i].author, author_detail.name,
    authors[j].name                 -> items[i].authors[j] (exact; feedparser's
                                       "Name (email)" form of .author matches
                                       either "Name (email)" or "Name")
  entries[i].category, tags[j].term -> items[i].categories[j]
  entries[i].enclosures[j] (href|url, type, length)
                                    -> items[i].enclosures[j] (url, type, length;
                                       length compared as a string)
  entries[i].published/issued(_parsed)  -> items[i].published  (date)
  entries[i].updated/modified(_parsed)  -> items[i].updated    (date)
     Dates compare as UTC instants to the second; feedparser's struct_time
     tuples and raw date strings (RFC 822 or ISO 8601) are both understood.
     When Newsdesk left the same-named date empty it may have filed the one
     date under the other name, so that one is used instead.

NORMALIZATION
  plain text (titles): feedparser's value gets the shared compare-parse
     text() treatment -- tags replaced by a space, entities decoded, NFC, white
     space folded, empty means absent -- so its HTML titles (e.g. '<img ...>'
     left by its sanitizer) are compared by their text. Newsdesk's title is
     already plain text, so it is only NFC'd and white-space folded (stripping
     "tags" from it would hide a literal '<blink>' that is part of the text);
     feedparser's value folded the same way, unprocessed, is accepted too,
     for its text/plain titles.
  HTML (summary, content, subtitle): both sides are re-serialized from an HTML
     tokenizer: tag and attribute names lower-cased, attributes sorted and
     double-quoted, `<br>` == `<br/>` == `<br />` (void elements never closed),
     character references decoded and re-escaped minimally (&, <, > in text;
     also " in attributes), white space runs folded to one space and trimmed at
     the ends, comments dropped. Nothing else (unclosed tags, element
     order, dropped elements) is forgiven.
  everything else: exact, after NFC; a missing value equals None or "".

Output: a table of pass/fail/skip per group (the suite folder), the pass rate
over core checks, skip reasons, optional failures (--show), and a last line
"N passed, N failed". The exit status is 0 whenever the suite could be run (it
is a report, not a gate) and 2 when it could not (missing suite or binary).
Standard library only.
"""
import argparse
import codecs
import concurrent.futures
import datetime
import email.utils
import html
import html.parser
import json
import os
import re
import subprocess
import sys
import unicodedata
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SUITE = "/work/shared/corpus/conformance"
FEEDPARSER_HTTP_ROOT = "http://127.0.0.1:8097/"

VERSION_MAP = {
    "rss090": {"rss0.9x"}, "rss091n": {"rss0.9x"}, "rss091u": {"rss0.9x"},
    "rss091": {"rss0.9x"}, "rss092": {"rss0.9x"}, "rss093": {"rss0.9x"},
    "rss094": {"rss0.9x"}, "rss10": {"rss1.0"}, "rss20": {"rss2.0"},
    "rss": {"rss0.9x", "rss1.0", "rss2.0"},
    "atom03": {"atom0.3"}, "atom10": {"atom1.0"}, "atom": {"atom0.3", "atom1.0"},
}
# Encodings that the WHATWG Encoding Standard (what browsers, and Newsdesk,
# decode with) treats as one: a label on the left is decoded as the superset on
# the right, so a parser reporting either name read the same characters.
# Keys are Python codec names (codecs.lookup(name).name).
ENCODING_FAMILY = {
    "iso8859-1": "windows-1252", "latin-1": "windows-1252", "cp1252": "windows-1252",
    "ascii": "windows-1252",
    "big5": "big5", "big5hkscs": "big5",
    "gb2312": "gbk", "gbk": "gbk", "cp936": "gbk",
    "euc_kr": "euc-kr", "cp949": "euc-kr",
    "shift_jis": "shift_jis", "cp932": "shift_jis", "windows-31j": "shift_jis",
    "tis-620": "windows-874", "cp874": "windows-874", "iso8859-11": "windows-874",
    "iso8859-9": "windows-1254", "cp1254": "windows-1254",
}

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "param", "source", "track", "wbr", "basefont", "frame", "isindex", "keygen"}


# ----------------------------------------------------------------------------
# Normalizers


def nfc(s):
    return unicodedata.normalize("NFC", s) if isinstance(s, str) else s


def plain_text(s):
    """Tags to spaces, entities decoded, NFC, white space folded; '' -> None."""
    if s is None:
        return None
    s = re.sub(r"<[^>]*>", " ", str(s))
    s = html.unescape(s)
    s = unicodedata.normalize("NFC", s)
    return " ".join(s.split()) or None


class _Canon(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []

    @staticmethod
    def _attrs(attrs):
        parts = []
        for k, v in sorted(attrs, key=lambda kv: kv[0]):
            if v is None:
                parts.append(" " + k)
            else:
                v = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
                parts.append(' %s="%s"' % (k, v))
        return "".join(parts)

    def handle_starttag(self, tag, attrs):
        self.out.append("<%s%s>" % (tag, self._attrs(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.out.append("<%s%s>" % (tag, self._attrs(attrs)))
        if tag not in VOID:
            self.out.append("</%s>" % tag)

    def handle_endtag(self, tag):
        if tag not in VOID:
            self.out.append("</%s>" % tag)

    def handle_data(self, data):
        self.out.append(data.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))

    def handle_decl(self, decl):
        self.out.append("<!%s>" % decl)

    def unknown_decl(self, data):
        self.out.append("<![%s]>" % data)

    def handle_pi(self, data):
        self.out.append("<?%s>" % data)


def canon_html(s):
    if s is None:
        return None
    p = _Canon()
    try:
        p.feed(nfc(str(s)))
        p.close()
        out = "".join(p.out)
    except Exception:  # malformed beyond the tokenizer: compare folded source
        out = str(s)
    return " ".join(out.split()) or None


def canon_encoding(name):
    if not name:
        return None
    name = str(name).strip().strip("'\"").lower()
    try:
        name = codecs.lookup(name).name
    except LookupError:
        pass
    return ENCODING_FAMILY.get(name, name)


def parse_date(v):
    """A UTC datetime from a struct_time list, RFC 3339/ISO 8601 or RFC 822 string."""
    if v is None or v == "":
        return None
    if isinstance(v, (list, tuple)):
        return datetime.datetime(*[int(x) for x in v[:6]], tzinfo=datetime.timezone.utc)
    s = str(v).strip()
    m = re.match(r"^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?)?"
                 r"\s*(Z|[+-]\d\d:?\d\d)?$", s)
    if m:
        y, mo, d, h, mi, se, tz = m.groups()
        dt = datetime.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(se or 0))
        off = 0
        if tz and tz != "Z":
            sign = -1 if tz[0] == "-" else 1
            tz = tz[1:].replace(":", "")
            off = sign * (int(tz[:2]) * 60 + int(tz[2:]))
        return (dt - datetime.timedelta(minutes=off)).replace(tzinfo=datetime.timezone.utc)
    try:
        dt = email.utils.parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        return s  # unparseable: compared as a raw string
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt.astimezone(datetime.timezone.utc)


def author_name(s):
    """feedparser writes 'Name (email)' when both are known; keep the name."""
    if isinstance(s, str):
        m = re.match(r"^(.*\S)\s+\(([^()\s]+@[^()\s]+)\)$", s)
        if m:
            return m.group(1)
    return s


# ----------------------------------------------------------------------------
# Mapping feedparser paths onto Newsdesk JSON

MISSING = object()


class Skip(Exception):
    pass


def _idx(items, i):
    if not isinstance(items, list) or i >= len(items):
        return MISSING
    return items[i]


def resolve(path):
    """Return (kind, getter) for a core check or raise Skip(reason).

    getter(ours) returns the Newsdesk value, or MISSING when the item/position
    does not exist at all."""
    p = list(path)
    if p == ["encoding"]:
        return "encoding", lambda o: o.get("encoding")
    if p == ["version"]:
        return "version", lambda o: o.get("format")
    if not p or p[0] not in ("feed", "entries"):
        raise Skip("not core: " + str(p[0] if p else "(root)"))
    if p[0] == "feed":
        rest = p[1:]
        key = tuple(rest)
        if key in (("title",), ("title_detail", "value")):
            return "text", lambda o: o.get("title")
        if key in (("subtitle",), ("tagline",), ("description",), ("subtitle_detail", "value"),
                   ("tagline_detail", "value")):
            return "html", lambda o: o.get("subtitle")
        if key == ("link",):
            return "plain", lambda o: o.get("link")
        if key == ("language",):
            return "plain", lambda o: o.get("language")
        if key in (("updated",), ("updated_parsed",), ("published",), ("published_parsed",),
                   ("modified",), ("modified_parsed",)):
            return "date", lambda o: o.get("updated")
        raise Skip("not core: feed." + ".".join(str(x) for x in rest))
    # entries
    if len(p) < 3 or not isinstance(p[1], int):
        raise Skip("not core: entries")
    i, rest = p[1], p[2:]
    key = tuple(rest)
    name = "entries[]." + ".".join("[]" if isinstance(x, int) else str(x) for x in rest)

    def item_field(field, fallback=None):
        def get(o):
            it = _idx(o.get("items"), i)
            if it is MISSING:
                return MISSING
            v = it.get(field)
            if (v is None or v == "") and fallback:
                v = it.get(fallback)
            return v
        return get

    def item_list(field, j, sub=None):
        def get(o):
            it = _idx(o.get("items"), i)
            if it is MISSING:
                return MISSING
            v = _idx(it.get(field) or [], j)
            if v is MISSING or sub is None:
                return v
            return v.get(sub) if isinstance(v, dict) else MISSING
        return get

    if key in (("title",), ("title_detail", "value")):
        return "text", item_field("title")
    if key == ("link",):
        return "plain", item_field("link")
    if key in (("id",), ("guid",)):
        return "plain", item_field("id")
    if key in (("summary",), ("description",), ("summary_detail", "value")):
        return "html", item_field("summary", "content")
    if len(rest) == 3 and rest[0] == "content" and rest[2] == "value":
        if rest[1] != 0:
            raise Skip("not core: entries[].content[>0] (one content per item)")
        return "html", item_field("content")
    if key in (("published",), ("published_parsed",), ("issued",), ("issued_parsed",)):
        return "date", item_field("published", "updated")
    if key in (("updated",), ("updated_parsed",), ("modified",), ("modified_parsed",)):
        return "date", item_field("updated", "published")
    if key == ("author",):
        return "author_full", item_list("authors", 0)
    if key == ("author_detail", "name"):
        return "author", item_list("authors", 0)
    if len(rest) == 3 and rest[0] == "authors" and rest[2] == "name":
        return "author", item_list("authors", rest[1])
    if key == ("category",):
        return "plain", item_list("categories", 0)
    if len(rest) == 3 and rest[0] == "tags" and rest[2] == "term":
        return "plain", item_list("categories", rest[1])
    if len(rest) >= 2 and rest[0] == "enclosures" and isinstance(rest[1], int):
        j = rest[1]
        if len(rest) == 2:
            return "enclosure", item_list("enclosures", j)
        sub = {"href": "url", "url": "url", "type": "type", "length": "length"}.get(rest[2])
        if sub and len(rest) == 3:
            return ("plain" if sub != "length" else "length"), item_list("enclosures", j, sub)
    raise Skip("not core: " + name)


def _absent(v):
    return v is MISSING or v is None or v == "" or v == [] or v == {}


def compare(kind, op, expected, got):
    """(ok, shown_expected, shown_got)"""
    if op == "!=":
        if expected is None:
            return not _absent(got), "not None", got
        raise Skip("op != on a value")
    if op != "==":
        raise Skip("not core: op " + op)
    g = None if got is MISSING else got
    if kind == "text":
        # Newsdesk's title is plain text already: fold it, never strip "tags"
        # from it (a literal "<blink>" in a title is text). feedparser's value
        # may be HTML or plain text, so either reading of it is accepted.
        g = " ".join(nfc(g).split()) or None if isinstance(g, str) else None
        e = plain_text(expected)
        if g is not None and isinstance(expected, str) and g == (" ".join(nfc(expected).split()) or None):
            e = g
        return e == g, e, g
    elif kind == "html":
        e, g = canon_html(expected), canon_html(g)
    elif kind == "date":
        e, g = parse_date(expected), parse_date(g)
        if isinstance(e, datetime.datetime):
            e = e.strftime("%Y-%m-%dT%H:%M:%SZ")
        if isinstance(g, datetime.datetime):
            g = g.strftime("%Y-%m-%dT%H:%M:%SZ")
    elif kind == "encoding":
        e, g = canon_encoding(expected), canon_encoding(g)
        return e == g, expected, got if got is not MISSING else None
    elif kind == "version":
        want = VERSION_MAP.get(expected, {expected})
        return g in want, "%s (%s)" % (expected, "|".join(sorted(want))), g
    elif kind in ("author", "author_full"):
        g = nfc(g) or None
        e = nfc(author_name(expected)) or None
        if kind == "author_full" and g is not None and g == nfc(expected):
            e = g
    elif kind == "length":
        e = None if expected in (None, "") else str(expected)
        g = None if g in (None, "") else str(g)
    elif kind == "enclosure":
        if not isinstance(expected, dict):
            raise Skip("enclosure value is not a dict")
        e = {("url" if k in ("href", "url") else k): (str(v) if k == "length" else v)
             for k, v in expected.items() if k in ("href", "url", "type", "length")}
        if isinstance(g, dict):
            g = {k: (str(g.get(k)) if k == "length" and g.get(k) is not None else g.get(k)) for k in e}
        return e == g, e, g
    else:  # plain
        e, g = nfc(expected) or None, nfc(g) or None
    return e == g, e, g


# ----------------------------------------------------------------------------
# Running


def header(headers, name):
    for k, v in (headers or {}).items():
        if k.lower() == name.lower():
            return v
    return None


def http_plan(entry):
    """(base_url or None, skip_reason or None) from the file's HTTP context."""
    headers = entry.get("http_headers") or {}
    fname = entry["file"]
    served = bool(headers) or os.path.basename(fname).startswith("http")
    ctype = header(headers, "Content-Type")
    if ctype is not None:
        media = ctype.split(";")[0].strip().lower()
        if re.search(r"charset", ctype, re.I):
            return None, "http header: Content-Type charset (binary has no charset flag)"
        if media.startswith("text/"):
            return None, "http header: text/* Content-Type (implies us-ascii per RFC 3023)"
    if header(headers, "Content-Language") is not None:
        return None, "http header: Content-Language (binary has no language flag)"
    if not served:
        return None, None
    base = FEEDPARSER_HTTP_ROOT + fname.lstrip("/")
    loc = header(headers, "Content-Location")
    if loc:
        joined = urllib.parse.urljoin(base, loc.strip())
        if urllib.parse.urlsplit(joined).scheme in ("http", "https"):
            base = joined
    return base, None


def run_binary(binary, path, base, timeout):
    cmd = [binary, "parse", "--json", path]
    if base:
        cmd += ["--base-url", base]
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timed out after %ss" % timeout
    if p.returncode != 0:
        msg = p.stderr.decode("utf-8", "replace").strip().splitlines()
        return None, "rejected (exit %d): %s" % (p.returncode, (msg[-1] if msg else "")[:160])
    try:
        return json.loads(p.stdout.decode("utf-8", "replace")), None
    except ValueError as e:
        return None, "output is not JSON: %s" % e


def evaluate(entry, suite, binary, timeout):
    """Returns dict with per-check outcomes for one test file."""
    res = {"entry": entry, "outcomes": [], "error": None, "ran": False, "warnings": 0}
    base, skip_reason = http_plan(entry)
    plans = []
    for c in entry.get("checks") or []:
        try:
            if skip_reason:
                raise Skip(skip_reason)
            kind, getter = resolve(c["path"])
            if c["op"] not in ("==", "!="):
                raise Skip("not core: op " + c["op"])
            plans.append((c, kind, getter))
        except Skip as s:
            res["outcomes"].append(("skip", c, str(s), None, None))
    if not plans and skip_reason:
        return res
    ours, err = run_binary(binary, os.path.join(suite, entry["file"]), base, timeout)
    res["ran"] = True
    res["error"] = err
    if ours is not None:
        res["warnings"] = len(ours.get("warnings") or [])
    for c, kind, getter in plans:
        if ours is None:
            res["outcomes"].append(("fail", c, err, c["value"], None))
            continue
        try:
            ok, e, g = compare(kind, c["op"], c["value"], getter(ours))
        except Skip as s:
            res["outcomes"].append(("skip", c, str(s), None, None))
            continue
        res["outcomes"].append(("pass" if ok else "fail", c, kind, e, g))
    return res


def skip_family(why):
    """Coarse skip reason: 'not core: feed.copyright_detail.type' -> 'not core: *_detail.type'."""
    if not why.startswith("not core: "):
        return why
    field = why[len("not core: "):]
    m = re.search(r"_detail\.(\w+)$", field)
    if m:
        return "not core: *_detail." + m.group(1)
    parts = re.sub(r"\.?\[\]", "[]", field).split(".")
    return "not core: " + ".".join(parts[:2])


def default_binary():
    env = os.environ.get("NEWSDESK_BIN")
    if env:
        return env
    for cand in (".build/release/newsdesk", ".build/debug/newsdesk"):
        full = os.path.join(REPO, cand)
        if os.path.exists(full):
            return full
    return None


def short(v, n=160):
    s = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    return s if len(s) <= n else s[:n] + "..."


def fmt_path(path):
    out = ""
    for x in path:
        out += "[%d]" % x if isinstance(x, int) else ("." if out else "") + str(x)
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=default_binary())
    ap.add_argument("--suite", default=DEFAULT_SUITE)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--group", default="")
    ap.add_argument("--timeout", type=float, default=30)
    args = ap.parse_args(argv[1:])

    exp_path = os.path.join(args.suite, "expectations.jsonl")
    if not os.path.isfile(exp_path):
        print("conformance: no %s" % exp_path, file=sys.stderr)
        return 2
    if not args.bin or not os.access(args.bin, os.X_OK):
        print("conformance: newsdesk binary not found (use --bin or NEWSDESK_BIN)", file=sys.stderr)
        return 2
    with open(exp_path, encoding="utf-8") as f:
        entries = [json.loads(line) for line in f if line.strip()]
    entries = [e for e in entries if e.get("group", "").startswith(args.group)]

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda e: evaluate(e, args.suite, args.bin, args.timeout), entries))

    groups = {}
    skip_reasons = {}
    failures = []
    rejected_files = []
    bozo = {"clean_rejected": 0, "bozo_rejected": 0, "bozo_parsed": 0, "bozo_parsed_warned": 0}
    no_checks = 0
    for r in results:
        e = r["entry"]
        g = groups.setdefault(e.get("group") or os.path.dirname(e["file"]), [0, 0, 0, 0])
        g[3] += 1
        if not e.get("checks"):
            no_checks += 1
        if r["ran"]:
            rejected = r["error"] is not None
            if rejected:
                rejected_files.append((e["file"], r["error"]))
            if e.get("bozo") is True:
                if rejected:
                    bozo["bozo_rejected"] += 1
                else:
                    bozo["bozo_parsed"] += 1
                    bozo["bozo_parsed_warned"] += r["warnings"] > 0
            elif e.get("bozo") is False and rejected:
                bozo["clean_rejected"] += 1
        for status, c, why, exp, got in r["outcomes"]:
            if status == "pass":
                g[0] += 1
            elif status == "fail":
                g[1] += 1
                failures.append((e["file"], c, why, exp, got))
            else:
                g[2] += 1
                reason = skip_family(why)
                skip_reasons[reason] = skip_reasons.get(reason, 0) + 1

    print("Newsdesk vs feedparser conformance suite (%s)" % args.suite)
    print("binary: %s   files: %d   files without convertible checks: %d" % (args.bin, len(results), no_checks))
    print()
    print("%-28s %6s %6s %6s %7s %6s" % ("group", "pass", "fail", "skip", "rate", "files"))
    tp = tf = ts = 0
    for name in sorted(groups):
        p, fl, s, n = groups[name]
        tp, tf, ts = tp + p, tf + fl, ts + s
        rate = "%6.1f%%" % (100.0 * p / (p + fl)) if p + fl else "     -"
        print("%-28s %6d %6d %6d %7s %6d" % (name, p, fl, s, rate, n))
    rate = "%6.1f%%" % (100.0 * tp / (tp + tf)) if tp + tf else "     -"
    print("%-28s %6d %6d %6d %7s %6d" % ("TOTAL", tp, tf, ts, rate, len(results)))
    print()
    print("pass rate over core checks: %s (%d of %d); %d checks skipped" % (rate.strip(), tp, tp + tf, ts))
    print("skipped, by reason:")
    for reason, n in sorted(skip_reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:15]:
        print("  %5d  %s" % (n, reason))
    if len(skip_reasons) > 15:
        print("  %5d  (%d other reasons)" % (sum(sorted(skip_reasons.values())[:-15]), len(skip_reasons) - 15))
    print("documents Newsdesk rejected: %d (feedparser not bozo: %d); feedparser-bozo documents "
          "Newsdesk rejected %d, parsed %d (%d with warnings)"
          % (len(rejected_files), bozo["clean_rejected"], bozo["bozo_rejected"],
             bozo["bozo_parsed"], bozo["bozo_parsed_warned"]))
    if args.show and rejected_files:
        print()
        print("documents Newsdesk rejected:")
        for fname, err in rejected_files[:args.show]:
            print("  %s: %s" % (fname, err.replace(os.path.join(args.suite, fname) + ": ", "")))
    if args.show and failures:
        print()
        print("first %d of %d failures:" % (min(args.show, len(failures)), len(failures)))
        for fname, c, why, exp, got in failures[:args.show]:
            print("FAIL %s  %s %s" % (fname, fmt_path(c["path"]), c["op"]))
            if why and why not in ("text", "html", "plain", "date", "encoding", "version",
                                   "author", "author_full", "length", "enclosure"):
                print("     %s" % why)
            else:
                print("     (%s)" % why)
            print("     expected: %s" % short(exp))
            print("     got:      %s" % short(got))
    print()
    print("%d passed, %d failed" % (tp, tf))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except KeyboardInterrupt:
        sys.exit(130)
