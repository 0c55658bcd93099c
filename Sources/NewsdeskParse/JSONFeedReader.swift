import Foundation
import NewsdeskBase

/// Reads JSON Feed 1.0 and 1.1 (https://jsonfeed.org) into the same `RawFeed` the XML formats
/// give, so that the normalizer treats all of them alike.
///
/// Lenient where feeds in the wild are: an `id` written as a number, a size written as a string,
/// 1.0's `author` in a 1.1 feed and the reverse, an item without authors taking the feed's (up to
/// `maxInheritedAuthors`), fractional sizes and durations.
enum JSONFeedReader {
    /// How many of the feed's authors an item without its own takes.
    static let maxInheritedAuthors = 10

    /// The feed in `bytes` (UTF-8), whose relative URLs resolve against `documentURL` when it is
    /// http(s), else against the feed's own `feed_url`, else against `documentURL`.
    static func read(_ bytes: [UInt8], documentURL: URL?) throws(FeedParseError) -> (feed: RawFeed, format: FeedFormat) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            let (line, column) = position(in: bytes, describedBy: detail)
            throw FeedParseError(
                .notAFeed, "not a feed: the body looks like JSON but is not valid JSON: \(detail)", line: line, column: column)
        }
        guard let top = object as? [String: Any], let version = string(top["version"]),
            version.hasPrefix("https://jsonfeed.org/version/") || version.hasPrefix("http://jsonfeed.org/version/")
        else {
            throw FeedParseError(
                .notAFeed, "not a feed: a JSON document without a JSON Feed \"version\" (https://jsonfeed.org/version/1.1)",
                line: 1, column: 1)
        }
        var feed = RawFeed()
        // The URL the feed came from, unless it came from a file: a copy on disk is no base for
        // the web links of a feed that names its own address.
        let feedURL = string(top["feed_url"])
        let ownURL = feedURL.flatMap { LinkResolver.base($0, against: nil) }
        let fromWeb = documentURL.map { $0.scheme == "http" || $0.scheme == "https" } ?? false
        let base = fromWeb ? documentURL : ownURL ?? documentURL
        feed.title = text(top["title"], .text, base)
        feed.subtitle = text(top["description"], .text, base)
        if let home = string(top["home_page_url"]) { feed.links.append(RawLink(href: home, rel: "alternate", base: base)) }
        if let feedURL { feed.links.append(RawLink(href: feedURL, rel: "self", base: base)) }
        feed.language = string(top["language"])
        feed.imageURL = string(top["icon"]).map { RawLink(href: $0, rel: "image", base: base) }
        // Each item without authors takes the feed's: a few of them, or a feed of many items
        // and many authors would hold items x authors names.
        let feedAuthors = Array(authors(in: top).prefix(maxInheritedAuthors))
        for case let entry as [String: Any] in top["items"] as? [Any] ?? [] {
            var item = item(from: entry, base: base)
            if item.authors.isEmpty { item.authors = feedAuthors }
            feed.items.append(item)
        }
        return (feed, version.hasSuffix("/1") ? .json10 : .json11)
    }

    private static func item(from entry: [String: Any], base: URL?) -> RawItem {
        var item = RawItem()
        item.base = base
        item.guid = string(entry["id"])
        item.title = text(entry["title"], .text, base)
        // `url` is the post; `external_url` the page it is about (a link blog's usual pair).
        let url = string(entry["url"])
        let external = string(entry["external_url"])
        if let link = url ?? external { item.links.append(RawLink(href: link, rel: "alternate", base: base)) }
        if url != nil, let external { item.links.append(RawLink(href: external, rel: "related", base: base)) }
        item.summary = text(entry["summary"], .text, base)
        item.content = text(entry["content_html"], .html, base) ?? text(entry["content_text"], .text, base)
        item.published = string(entry["date_published"])
        item.updated = string(entry["date_modified"])
        item.authors = authors(in: entry)
        item.categories = (entry["tags"] as? [Any] ?? []).compactMap(string)
        for key in ["image", "banner_image"] {
            if let image = string(entry[key]) { item.thumbnails.append(RawLink(href: image, rel: "thumbnail", base: base)) }
        }
        for case let attachment as [String: Any] in entry["attachments"] as? [Any] ?? [] {
            guard let href = string(attachment["url"]) else { continue }
            item.enclosures.append(
                RawLink(
                    href: href, rel: "enclosure", type: string(attachment["mime_type"]),
                    length: integer(attachment["size_in_bytes"]), base: base))
            if item.duration == nil { item.duration = integer(attachment["duration_in_seconds"]) }
        }
        return item
    }

    /// The names of 1.1's `authors`, else of 1.0's `author`.
    private static func authors(in object: [String: Any]) -> [String] {
        let people = object["authors"] as? [Any] ?? (object["author"]).map { [$0] } ?? []
        return people.compactMap { ($0 as? [String: Any]).flatMap { string($0["name"]) } }
    }

    private static func text(_ value: Any?, _ kind: TextKind, _ base: URL?) -> RawText? {
        string(value).map { RawText(value: ArraySlice($0.utf8), kind: kind, base: base) }
    }

    /// A string, or a number written where a string belongs, cleaned as the XML text is (the
    /// control characters XML forbids dropped, double-encoded characters restored, C1 controls
    /// read as windows-1252: JSON's `\u` escapes can carry all of them); nil when empty.
    private static func string(_ value: Any?) -> String? {
        let raw: String
        switch value {
        case let text as String: raw = text
        case let number as NSNumber where !isBoolean(number): raw = number.stringValue
        default: return nil
        }
        let clean = CharsetDecoder.cleanUTF8(Array(raw.utf8))
        let cleaned = CharsetDecoder.restored(clean.bytes, mayHoldC1: clean.mayHoldC1).bytes
        return cleaned.isEmpty ? nil : String(decoding: cleaned, as: UTF8.self)
    }

    /// A whole number (a byte count, seconds) written as a number, a fraction or a string, as
    /// the digits the normalizer reads.
    private static func integer(_ value: Any?) -> String? {
        let number: Double?
        switch value {
        case let text as String: number = Double(Whitespace.trim(text))
        case let value as NSNumber where !isBoolean(value): number = value.doubleValue
        default: number = nil
        }
        guard let number, number.isFinite, number >= 0, number < 1e15 else { return nil }
        return String(Int(number.rounded()))
    }

    /// Whether JSON wrote `true` or `false`. On Linux `NSNumber(1) is Bool` holds too, so the
    /// number's own type is asked: JSON booleans are the only numbers stored as a C `char`.
    private static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    /// The line and column of "around character N" in Foundation's description of a JSON error
    /// (N counts bytes from 0).
    private static func position(in bytes: [UInt8], describedBy detail: String) -> (Int?, Int?) {
        guard let range = detail.range(of: "around character "),
            let offset = Int(detail[range.upperBound...].prefix(while: \.isNumber)), offset <= bytes.count
        else { return (nil, nil) }
        var line = 1
        var lineStart = 0
        for (i, byte) in bytes[..<offset].enumerated() where byte == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        return (line, offset - lineStart + 1)
    }
}
