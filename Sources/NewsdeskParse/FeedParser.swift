import Foundation
import NewsdeskBase

/// Reads RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1 into a normalized `Feed`.
///
/// Bytes go through `CharsetDecoder` (to UTF-8), `XMLRepair` (common defects), a streaming
/// libxml2 parse in recovery mode (`XMLStreamParser` + `FeedBuilder`) and `FeedNormalizer`;
/// a JSON body goes through `JSONFeedReader` instead of the XML stages.
/// A value type with no shared state: parse on as many threads as you like.
public struct FeedParser: Sendable {
    /// Limits and context for a parse.
    public struct Options: Sendable {
        /// Documents larger than this are refused (default 16 MiB).
        public var maxBytes: Int
        /// The clock dates are checked against ("more than a day in the future").
        public var now: Date
        /// Feed and item titles, author names and categories are cut to this many characters
        /// (default 300, as `max_title_chars`).
        public var maxTitleChars: Int
        /// Excerpts are cut to this many characters (default 280, as `max_excerpt_chars`).
        public var maxExcerptChars: Int

        public init(maxBytes: Int = 16 << 20, now: Date = Date(), maxTitleChars: Int = 300, maxExcerptChars: Int = 280) {
            self.maxBytes = maxBytes
            self.now = now
            self.maxTitleChars = maxTitleChars
            self.maxExcerptChars = maxExcerptChars
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Parses `data`, the body fetched from `url` (relative links resolve against it), with the
    /// `charset` of its HTTP Content-Type if there was one.
    public func parse(_ data: some Collection<UInt8>, url: URL? = nil, charset: String? = nil) throws(FeedParseError) -> Feed {
        guard data.count <= options.maxBytes else {
            throw FeedParseError(.tooLarge, "document is \(data.count) bytes, larger than the \(options.maxBytes)-byte limit (max_body)")
        }
        let decoded = CharsetDecoder.decode(data, httpCharset: charset)
        guard let first = decoded.bytes.first(where: { !Whitespace.isXMLSpace($0) }) else {
            throw FeedParseError(.empty, "empty document: no feed in it")
        }
        // JSON rather than markup: the first non-space byte opens an object.
        if first == UInt8(ascii: "{") {
            let (raw, format) = try JSONFeedReader.read(decoded.bytes, documentURL: url)
            var feed = normalizer.normalize(raw, format: format, warnings: decoded.warnings)
            feed.encoding = decoded.encoding
            return feed
        }
        let repaired = XMLRepair.repair(decoded.bytes)
        let builder = FeedBuilder(documentURL: url, lifted: repaired)
        var outcome = repaired.bytes.withUnsafeBytes { XMLStreamParser.parse($0, sink: builder) }
        outcome.line += repaired.lineOffset
        // Only a parse that read to the end: one libxml2 gave up on mid-way was not cut, but broken.
        let keptCutOff = !outcome.stoppedEarly && builder.keepCutOffItem()
        let raw = builder.feed

        guard let root = builder.rootName else {
            throw FeedParseError(
                .notAFeed,
                "not a feed: \(Self.describe(repaired.bytes)); \(outcome.firstError ?? "no XML element found")"
                    + Self.discoveryHint(decoded.bytes, base: url),
                line: outcome.errorCount > 0 ? outcome.line : nil,
                column: outcome.errorCount > 0 ? outcome.column : nil)
        }
        guard let format = raw.format else {
            let what = root.lowercased() == "html" ? "an HTML page" : "an XML document"
            throw FeedParseError(
                .notAFeed,
                "not a feed: \(what) whose root element is <\(root)>, not <rss>, <rdf:RDF> or <feed>"
                    + Self.discoveryHint(decoded.bytes, base: url),
                line: 1, column: 1)
        }
        var warnings = decoded.warnings + repaired.warnings
        if outcome.entityBomb {
            throw FeedParseError(
                .malformed, "rejected: entities expand in a loop or without bound (an entity bomb)",
                line: outcome.line, column: outcome.column)
        }
        if let error = outcome.firstError {
            if raw.items.isEmpty && (outcome.stoppedEarly || (raw.title == nil && raw.links.isEmpty)) {
                throw FeedParseError(
                    .malformed, "malformed \(format.rawValue) feed, nothing recoverable: \(error)",
                    line: outcome.line, column: outcome.column)
            }
            let more = outcome.errorCount > 1 ? " and \(outcome.errorCount - 1) more errors" : ""
            let complete = raw.items.count - (keptCutOff ? 1 : 0)
            let last = keptCutOff ? " and the last one, cut off" : ""
            warnings.append(
                "not well-formed XML at line \(outcome.line), column \(outcome.column): \(error)\(more); recovered \(complete) complete items\(last)"
            )
        }
        if builder.truncatedFields > 0 {
            warnings.append(
                "\(builder.truncatedFields) elements had more than \(builder.maxFieldBytes) bytes of text; the rest was dropped")
        }
        var feed = normalizer.normalize(raw, format: format, warnings: warnings)
        feed.encoding = decoded.encoding
        return feed
    }

    private var normalizer: FeedNormalizer {
        FeedNormalizer(now: options.now, maxTitleChars: options.maxTitleChars, maxExcerptChars: options.maxExcerptChars)
    }

    /// A few words on what a body that is not XML looks like.
    static func describe(_ bytes: [UInt8]) -> String {
        guard let first = bytes.first(where: { !Whitespace.isXMLSpace($0) }) else { return "empty document" }
        switch first {
        case UInt8(ascii: "{"), UInt8(ascii: "["): return "the body looks like JSON"
        case UInt8(ascii: "<"): return "the body is not well-formed XML"
        default: return "the body is plain text, not XML"
        }
    }

    /// "; the page names feeds at …" when a body that is not a feed links to feeds, else "".
    static func discoveryHint(_ bytes: [UInt8], base: URL?) -> String {
        let feeds = FeedDiscovery.feeds(in: bytes, base: base)
        guard !feeds.isEmpty else { return "" }
        return "; the page names \(feeds.count == 1 ? "a feed" : "feeds") at " + feeds.joined(separator: ", ")
    }

    /// libxml2 alone over bytes already in UTF-8: the floor a feed parse cannot go below.
    public static func bareXMLPass(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { XMLStreamParser.parseWithoutEvents($0).wellFormed }
    }
}
