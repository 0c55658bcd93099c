import Foundation
import NewsdeskBase
import NewsdeskConfig
import NewsdeskParse
import NewsdeskStories

/// One Atom document to write: the ranked stories of a window, and its place among the archives.
public struct AtomDocument: Sendable {
    public var title: String
    /// The feed's id (stable: the same for the subscription document and every archive).
    public var id: String
    /// Its own address, relative to the output folder (`ranked.atom`, `archive/2026/11/27/05.atom`).
    public var path: String
    /// The address of the output folder, when `feed_url` says where it is served.
    public var baseURL: String?
    /// The document's own address when known exactly (`feed_url` for `ranked.atom`).
    public var selfURL: String?
    public var updated: Date
    public var stories: [RankedStory]
    public var redThreshold: Int
    /// RFC 5005: whether this is an archive, and the paths of the previous archive and the
    /// subscription document.
    public var isArchive = false
    public var previousArchive: String?
    public var current = "ranked.atom"
    /// Per config feed URL, what `atom:source` says of it.
    public var feeds: [String: FeedSummary] = [:]

    /// What an entry's `atom:source` says of the feed its representative item came from.
    public struct FeedSummary: Sendable {
        public var title: String
        public var link: String?

        public init(title: String, link: String?) {
            self.title = title
            self.link = link
        }
    }
}

/// Writes ranked stories as Atom 1.0 (RFC 4287), archives linked per RFC 5005, each score and
/// its breakdown in Newsdesk's own namespace (see docs/PUBLISHING.md).
public enum AtomWriter {
    public static let scoreNamespace = "https://github.com/newsdesk/newsdesk/ns/score/1.0"
    static let historyNamespace = "http://purl.org/syndication/history/1.0"

    public static func render(_ document: AtomDocument) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        out += "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:nd=\"\(scoreNamespace)\" xmlns:fh=\"\(historyNamespace)\">\n"
        out += "  <title type=\"text\">\(text(document.title))</title>\n"
        out += "  <id>\(Escaping.xml(document.id))</id>\n"
        out += "  <updated>\(FeedDate.rfc3339(document.updated))</updated>\n"
        out += "  <generator uri=\"\(NewsdeskVersion.homePage)\" version=\"\(NewsdeskVersion.string)\">Newsdesk</generator>\n"
        out +=
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"\(Escaping.xml(document.selfURL ?? address(document.path, document)))\"/>\n"
        if document.isArchive {
            out += "  <fh:archive/>\n"
            out += "  <link rel=\"current\" type=\"application/atom+xml\" href=\"\(Escaping.xml(address(document.current, document)))\"/>\n"
        }
        if let previous = document.previousArchive {
            out += "  <link rel=\"prev-archive\" type=\"application/atom+xml\" href=\"\(Escaping.xml(address(previous, document)))\"/>\n"
        }
        for ranked in document.stories { out += entry(ranked, document) }
        return out + "</feed>\n"
    }

    /// `path` (relative to the output folder) as seen from `document`: absolute under
    /// `feed_url`'s folder when set, else relative to the document's own folder.
    static func address(_ path: String, _ document: AtomDocument) -> String {
        if let base = document.baseURL { return base + path }
        let depth = document.path.split(separator: "/").count - 1
        return String(repeating: "../", count: depth) + path
    }

    /// A stable IRI for a story: a UUID-shaped name derived from its id.
    public static func entryID(_ storyID: String) -> String {
        let a = ContentHash.hex(("a:" + storyID).utf8)
        let b = ContentHash.hex(("b:" + storyID).utf8)
        let hex = Array(a + b)
        func part(_ range: Range<Int>) -> String { String(hex[range]) }
        return "urn:uuid:\(part(0..<8))-\(part(8..<12))-5\(part(13..<16))-8\(part(17..<20))-\(part(20..<32))"
    }

    private static func entry(_ ranked: RankedStory, _ document: AtomDocument) -> String {
        let story = ranked.story
        let score = ranked.score
        var out = "  <entry>\n"
        out += "    <id>\(entryID(story.id))</id>\n"
        out += "    <title type=\"text\">\(text(story.title))</title>\n"
        out += "    <published>\(FeedDate.rfc3339(story.firstSeen))</published>\n"
        out += "    <updated>\(FeedDate.rfc3339(max(story.lastUpdated, story.firstSeen)))</updated>\n"
        let link = story.link.flatMap(webLink)
        if let link { out += "    <link rel=\"alternate\" type=\"text/html\" href=\"\(Escaping.xml(link))\"/>\n" }
        if let lead = story.sources.first { out += "    <author><name>\(text(lead.name))</name></author>\n" }
        var tags: [String] = []
        for tag in story.sources.flatMap(\.tags) where !tags.contains(tag) { tags.append(tag) }
        for tag in tags { out += "    <category term=\"\(text(tag))\"/>\n" }
        let html = Escaping.xml(summaryHTML(ranked, red: document.redThreshold))
        // An entry without a web link carries its text as content (RFC 4287 4.1.2).
        out += link == nil ? "    <content type=\"html\">\(html)</content>\n" : "    <summary type=\"html\">\(html)</summary>\n"
        if let lead = story.sources.first {
            let feed = document.feeds[lead.feedURL]
            out += "    <source>\n"
            // An opaque id, never the config URL, which may hold credentials or a token.
            out += "      <id>\(PublicFeedURL.sourceID(lead.feedURL))</id>\n"
            out += "      <title>\(text(feed?.title ?? lead.name))</title>\n"
            if let site = feed?.link.flatMap(webLink) { out += "      <link rel=\"alternate\" href=\"\(Escaping.xml(site))\"/>\n" }
            if let feedURL = PublicFeedURL.link(lead.feedURL).flatMap(webLink) {
                out += "      <link rel=\"self\" href=\"\(Escaping.xml(feedURL))\"/>\n"
            }
            // When the source last changed this story: stable while nothing changes, so an
            // unchanged ranking is not rewritten just because its feeds were polled again.
            out += "      <updated>\(FeedDate.rfc3339(max(story.lastUpdated, story.firstSeen)))</updated>\n"
            out += "    </source>\n"
        }
        out += "    <nd:score value=\"\(score.total)\" mark=\"\(score.total >= document.redThreshold ? "red" : "blue")\""
        out += " sources=\"\(score.sourceCount)\">\n"
        for (name, points) in [
            ("coverage", score.coverage), ("authority", score.authority), ("velocity", score.velocity), ("recency", score.recency),
        ] {
            out += "      <nd:part name=\"\(name)\" points=\"\(String(format: "%.1f", points))\"/>\n"
        }
        for rule in score.rules { out += "      <nd:rule name=\"\(text(rule.label))\" points=\"\(rule.points)\"/>\n" }
        out += "    </nd:score>\n"
        return out + "  </entry>\n"
    }

    /// The entry's HTML: the score with its mark and explanation, the excerpt, who reported it.
    static func summaryHTML(_ ranked: RankedStory, red: Int) -> String {
        let score = ranked.score
        let mark = score.total >= red ? "🔴" : "🔵"
        func escape(_ text: String) -> String { HTMLSanitizer.escapeText(PlainText.visible(text)) }
        var html = "<p><strong>\(mark) \(score.total) / 100</strong>: \(escape(score.summary))</p>"
        if let excerpt = ranked.story.excerpt, !excerpt.isEmpty { html += "<p>\(escape(excerpt))</p>" }
        let reporters = ranked.story.sources.map { source -> String in
            guard let link = source.link.flatMap(webLink) else { return escape(source.name) }
            return "<a href=\"\(HTMLSanitizer.escapeText(link))\">\(escape(source.name))</a>"
        }
        if let first = ranked.story.firstReporter { html += "<p>First reported by \(escape(first.name))</p>" }
        html += "<p>Reported by \(reporters.joined(separator: ", "))</p>"
        return html
    }

    /// Links longer than this many bytes are left out of the outputs (a cut link is a broken
    /// one; no browser or reader needs more, and one feed's 4 MB link must not make every
    /// output and archive 4 MB).
    public static let maxLinkBytes = 2_048

    /// `link` if it is an http(s) URL of at most ``maxLinkBytes`` bytes without white space,
    /// else nil: nothing else is ever emitted as a link. Invisible controls in it (bidi
    /// overrides, zero-width characters) are percent-encoded, as a browser would send them,
    /// so that a link shown as text shows what it is.
    public static func webLink(_ link: String) -> String? {
        guard link.utf8.count <= maxLinkBytes else { return nil }
        let lower = link.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), !link.contains(where: { $0.isWhitespace }) else { return nil }
        guard link.unicodeScalars.contains(where: invisible) else { return link }
        var encoded = ""
        for scalar in link.unicodeScalars {
            guard invisible(scalar) else {
                encoded.unicodeScalars.append(scalar)
                continue
            }
            for byte in String(scalar).utf8 { encoded += String(format: "%%%02X", byte) }
        }
        return encoded.utf8.count <= maxLinkBytes ? encoded : nil
    }

    private static func invisible(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.value >= 0x7F else { return scalar.value < 0x20 }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return (0xFE00...0xFE0F).contains(scalar.value) || (0xE0100...0xE01EF).contains(scalar.value)
        }
    }

    /// Plain text for XML, invisible controls removed (``PlainText/visible(_:)``).
    private static func text(_ text: String) -> String { Escaping.xml(PlainText.visible(text)) }
}
