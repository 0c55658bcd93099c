import Crypto
import Foundation
import NewsdeskBase
import NewsdeskParse
import NewsdeskStories

/// One page of the web edition: the ranked stories of a window, the feed it mirrors and its
/// place among the period pages.
public struct WebPage: Sendable {
    /// The page's heading ("Top news in the last hour by importance score").
    public var heading: String
    /// What the page covers, under the heading ("Top news, 2026-11-27 05:00-06:00 UTC").
    public var subtitle: String
    /// The published feed's title, for `<title>` and the Atom link.
    public var feedTitle: String
    /// Its own address, relative to the output folder (`index.html`, `archive/2026/11/27/05.html`).
    public var path: String
    /// The Atom document with the same stories, relative to the output folder.
    public var atomPath: String
    public var stories: [RankedStory]
    public var redThreshold: Int
    /// The previous and next period pages, relative to the output folder; `next` is
    /// ``HTMLWriter/latestPath`` on the newest period page until the period after it is published.
    public var previous: String?
    public var next: String?
    /// On `index.html`: the newest period pages, newest first.
    public var earlier: [(path: String, label: String)] = []

    public init(
        heading: String, subtitle: String, feedTitle: String, path: String, atomPath: String, stories: [RankedStory],
        redThreshold: Int
    ) {
        self.heading = heading
        self.subtitle = subtitle
        self.feedTitle = feedTitle
        self.path = path
        self.atomPath = atomPath
        self.stories = stories
        self.redThreshold = redThreshold
    }
}

/// Writes the web edition as static HTML5: a ranked table (rank, title, 🔴/🔵 mark and score),
/// then each story with its score explained, who reported it first, its independent reports,
/// its sources linked to their articles and its excerpt (docs/PUBLISHING.md, "The web edition").
///
/// A page needs nothing but itself: no script, no font, image or style from anywhere else, its
/// one style sheet inline and allowed by its hash in a Content-Security-Policy that allows
/// nothing else. Every text from a feed is escaped, and a title in a script that names its
/// language (Chinese, Japanese, Korean, Greek, Hebrew, Thai) carries that `lang`, so that a
/// browser picks fonts for it; every such text also carries `dir="auto"`, so that a right-to-left
/// title is laid out as one.
public enum HTMLWriter {
    /// The current edition, as `index.html` in the output folder.
    public static let latestPath = "index.html"
    /// The language of the page's own words.
    static let pageLanguage = "en"

    public static func render(_ page: WebPage) -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"\(pageLanguage)\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"color-scheme\" content=\"light dark\">\n"
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(contentSecurityPolicy)\">\n"
        out += "<meta name=\"generator\" content=\"Newsdesk \(NewsdeskVersion.string)\">\n"
        out += "<title>\(text(page.heading)) · \(text(page.feedTitle))</title>\n"
        out += "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"\(text(page.feedTitle))\" "
        out += "href=\"\(relative(page.atomPath, from: page.path))\">\n"
        out += "<style>\(style)</style>\n</head>\n<body>\n<header>\n"
        out += "<h1>\(text(page.heading))</h1>\n"
        out += "<p class=\"meta\">\(text(page.subtitle)) · <a href=\"\(relative(page.atomPath, from: page.path))\">Atom feed</a></p>\n"
        out += "</header>\n<main>\n"
        if page.stories.isEmpty {
            out += "<p>No story had new coverage in this period.</p>\n"
        } else {
            out += table(page)
            for (index, ranked) in page.stories.enumerated() { out += article(ranked, rank: index + 1, page) }
        }
        out += "</main>\n" + navigation(page)
        out += "<footer><p class=\"meta\">Written by <a href=\"\(NewsdeskVersion.homePage)\">Newsdesk</a> "
        out += "\(NewsdeskVersion.string).</p></footer>\n</body>\n</html>\n"
        return out
    }

    /// The link from the page at `path` to the next period's page, as ``render(_:)`` writes it.
    /// Publishing a period replaces this on the page before it, which until then led to
    /// ``latestPath``.
    public static func nextLink(_ next: String, from path: String) -> String {
        let label = next == latestPath ? "Latest edition" : "Next period"
        return "<a rel=\"next\" href=\"\(relative(next, from: path))\">\(label) →</a>"
    }

    private static func table(_ page: WebPage) -> String {
        var out = "<table>\n"
        out += "<thead><tr><th scope=\"col\" class=\"rank\">#</th><th scope=\"col\">Title</th>"
        out += "<th scope=\"col\" class=\"score\">Score</th></tr></thead>\n<tbody>\n"
        for (index, ranked) in page.stories.enumerated() {
            out += "<tr><td class=\"rank\">\(index + 1)</td>"
            out += "<td><a href=\"#story-\(index + 1)\"\(languageAttributes(ranked.story.title))>\(text(ranked.story.title))</a></td>"
            out += "<td class=\"score\">\(mark(ranked, page.redThreshold)) \(ranked.score.total)</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    private static func article(_ ranked: RankedStory, rank: Int, _ page: WebPage) -> String {
        let story = ranked.story
        let score = ranked.score
        var out = "<article id=\"story-\(rank)\">\n<h2><span class=\"rank\">\(rank).</span> "
        out += "\(link(story.title, story.link, inline: languageAttributes(story.title)))</h2>\n"
        out += "<p class=\"score\"><strong>Importance Score: \(score.total) / 100 \(mark(ranked, page.redThreshold))</strong></p>\n"
        out += "<p class=\"why\">Why: \(text(score.summary)).</p>\n"
        var facts: [String] = []
        if let first = story.firstReporter {
            facts.append("First reported by \(link(first.name, first.link, inline: languageAttributes(first.name)))")
        }
        let (reports, sources) = (story.independent, story.sources.count)
        var count = "\(reports) independent report\(reports == 1 ? "" : "s")"
        if sources > reports { count += " from \(sources) sources, \(sources - reports) of them copies" }
        facts.append(count)
        out += "<p class=\"meta\">\(facts.joined(separator: " · ")).</p>\n"
        if let excerpt = story.excerpt, !excerpt.isEmpty {
            out += "<blockquote\(languageAttributes(excerpt))><p>\(text(excerpt))</p></blockquote>\n"
        }
        out += "<h3>Sources</h3>\n<ul class=\"sources\">\n"
        for source in story.sources {
            out += "<li>\(link(source.name, source.link, inline: languageAttributes(source.name)))"
            if let title = source.title, !title.isEmpty, title != story.title {
                out += ": <span\(languageAttributes(title))>\(text(title))</span>"
            }
            if let original = source.copyOf, let from = story.sources.first(where: { $0.feedURL == original }) {
                out += " <span class=\"meta\">(the same text as \(text(from.name)))</span>"
            }
            out += "</li>\n"
        }
        return out + "</ul>\n</article>\n"
    }

    private static func navigation(_ page: WebPage) -> String {
        var links: [String] = []
        if let previous = page.previous {
            links.append("<a rel=\"prev\" href=\"\(relative(previous, from: page.path))\">← Previous period</a>")
        }
        if let next = page.next { links.append(nextLink(next, from: page.path)) }
        if page.path != latestPath, page.next != latestPath {
            links.append("<a href=\"\(relative(latestPath, from: page.path))\">Latest edition</a>")
        }
        var out = ""
        if !links.isEmpty { out += "<nav aria-label=\"Periods\">\n<p>\(links.joined(separator: " · "))</p>\n</nav>\n" }
        if !page.earlier.isEmpty {
            out += "<nav aria-label=\"Earlier periods\">\n<h2>Earlier periods</h2>\n<ul class=\"periods\">\n"
            for (path, label) in page.earlier {
                out += "<li><a href=\"\(relative(path, from: page.path))\">\(text(label))</a></li>\n"
            }
            out += "</ul>\n</nav>\n"
        }
        return out
    }

    private static func mark(_ ranked: RankedStory, _ red: Int) -> String {
        ranked.score.total >= red
            ? "<span class=\"red\" title=\"at or above \(red)\">🔴</span>" : "<span class=\"blue\" title=\"below \(red)\">🔵</span>"
    }

    /// `<a href>` around `label` when `url` is an http(s) link, else the label alone.
    private static func link(_ label: String, _ url: String?, inline attributes: String) -> String {
        let label = label.isEmpty ? "(untitled)" : label
        guard let url = url.flatMap(AtomWriter.webLink) else { return "<span\(attributes)>\(text(label))</span>" }
        return "<a href=\"\(Escaping.xml(url))\"\(attributes)>\(text(label))</a>"
    }

    /// `path` (relative to the output folder) as a link from the page at `page`.
    static func relative(_ path: String, from page: String) -> String {
        var from = page.split(separator: "/").dropLast()
        var to = path.split(separator: "/")
        while let folder = from.first, to.count > 1, to.first == folder {
            from.removeFirst()
            to.removeFirst()
        }
        return Escaping.xml(String(repeating: "../", count: from.count) + to.joined(separator: "/"))
    }

    /// Plain text for HTML: invisible controls removed (``PlainText/visible(_:)``), then escaped
    /// (``Escaping/html(_:)``).
    static func text(_ text: String) -> String { Escaping.html(PlainText.visible(text)) }

    /// ` lang="zh" dir="auto"` for a text in a script that names its language, ` dir="auto"`
    /// for any other.
    static func languageAttributes(_ text: String) -> String {
        guard let language = language(of: text), language != pageLanguage else { return " dir=\"auto\"" }
        return " lang=\"\(language)\" dir=\"auto\""
    }

    /// The language `text` is written in, when its script says: at least half of its letters
    /// (a CJK character counting as three, about one word) are Han (`zh`), Han with kana (`ja`),
    /// Hangul (`ko`), Greek (`el`), Hebrew (`he`) or Thai (`th`). Nil for Latin, Cyrillic, Arabic
    /// and other scripts several languages share: those take the page's language.
    static func language(of text: String) -> String? {
        var counts: [String: Int] = [:]
        var letters = 0
        for scalar in text.unicodeScalars where scalar.properties.isAlphabetic {
            let (script, weight): (String?, Int) =
                switch scalar.value {
                case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3134F: ("han", 3)
                case 0x3040...0x30FF, 0x31F0...0x31FF: ("kana", 3)
                case 0x1100...0x11FF, 0x3130...0x318F, 0xAC00...0xD7AF: ("ko", 3)
                case 0x0370...0x03FF, 0x1F00...0x1FFF: ("el", 1)
                case 0x0590...0x05FF: ("he", 1)
                case 0x0E00...0x0E7F: ("th", 1)
                default: (nil, 1)
                }
            letters += weight
            if let script { counts[script, default: 0] += weight }
        }
        let han = counts["han", default: 0]
        let kana = counts["kana", default: 0]
        if kana > 0, (kana + han) * 2 >= letters { return "ja" }
        if han > 0, han * 2 >= letters { return "zh" }
        return ["ko", "el", "he", "th"].first { counts[$0, default: 0] > 0 && counts[$0, default: 0] * 2 >= letters }
    }

    /// The page's only style, inline; light and dark by `prefers-color-scheme`, one column that
    /// fits a phone and stays readable on a wide screen.
    static let style = """
        :root{--fg:#1c1c1c;--bg:#fbfbf8;--muted:#595959;--line:#d4d4cf;--link:#0a4fb8;\
        --red:#b3261e;--blue:#1a5fd0}\
        @media (prefers-color-scheme:dark){:root{--fg:#e8e8e3;--bg:#141414;--muted:#a9a9a3;--line:#3b3b38;\
        --link:#8db7ff;--red:#ff8a80;--blue:#8db7ff}}\
        html{background:var(--bg);color:var(--fg)}\
        body{margin:0 auto;max-width:50rem;padding:1rem;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;\
        overflow-wrap:anywhere}\
        a{color:var(--link)}h1{font-size:1.6rem;line-height:1.2;margin:.5rem 0}h2{font-size:1.25rem;line-height:1.3}\
        h3{font-size:1rem;margin-bottom:.25rem}\
        table{border-collapse:collapse;width:100%}\
        th,td{text-align:left;vertical-align:top;padding:.4rem .5rem;border-bottom:1px solid var(--line)}\
        .rank{text-align:right;width:2rem;color:var(--muted)}td.score,th.score{white-space:nowrap;text-align:right}\
        article{border-top:1px solid var(--line);margin-top:2rem}\
        .meta,.why{color:var(--muted)}.score strong{font-size:1.1rem}\
        blockquote{margin:1rem 0;padding-left:1rem;border-left:3px solid var(--line)}\
        ul.periods{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;padding:0;list-style:none}\
        footer{margin-top:3rem;border-top:1px solid var(--line)}\
        :lang(zh){font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif}\
        :lang(ja){font-family:"Noto Sans CJK JP","Hiragino Sans","Yu Gothic",sans-serif}\
        :lang(ko){font-family:"Noto Sans CJK KR","Apple SD Gothic Neo","Malgun Gothic",sans-serif}
        """

    /// Allows nothing but the inline style above (by its hash): no script, no frame, no resource
    /// from anywhere, no form, no `<base>`. A web server can send the same as a header
    /// (docs/PUBLISHING.md).
    public static let contentSecurityPolicy =
        "default-src 'none'; style-src 'sha256-\(Data(SHA256.hash(data: Array(style.utf8))).base64EncodedString())'; "
        + "img-src 'none'; base-uri 'none'; form-action 'none'"
}
