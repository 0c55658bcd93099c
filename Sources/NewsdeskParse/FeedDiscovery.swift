import Foundation
import NewsdeskBase

/// The feeds an HTML page points to with `<link rel="alternate" type="application/rss+xml"
/// href="…">` (RSS, Atom, RDF, JSON Feed), so that "not a feed" can say where the feed is.
///
/// A plain scan for `<link` tags: it runs only on a body that already failed as a feed, and an
/// HTML page is rarely well-formed enough for the XML parser to reach its head intact.
package enum FeedDiscovery {
    private static let feedTypes: Set<String> = [
        "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json",
    ]

    /// At most `limit` feed URLs named in `html`, absolute against `base` where one is known, in
    /// page order, without repeats; only http(s) URLs without white space or controls. One pass
    /// over the bytes, comments skipped; a tag is read to its `>` or at most 2 KiB, so a page of
    /// unclosed `<link` tags stays linear. A plain `application/json` alternate counts only when
    /// no typed feed link is found (WordPress names its REST API that way on every page).
    package static func feeds(in html: [UInt8], base: URL?, limit: Int = 5) -> [String] {
        var found: [String] = []
        var json: [String] = []
        html.withUnsafeBufferPointer { bytes in
            var i = 0
            while found.count < limit, let open = ByteScan.index(of: UInt8(ascii: "<"), in: bytes, from: i) {
                i = open + 1
                if startsComment(bytes, at: open) {
                    i = commentEnd(bytes, from: open + 4)
                    continue
                }
                guard isLinkTag(bytes, at: open) else { continue }
                let end = tagEnd(bytes, from: open + 5, limit: min(bytes.count, open + 2_048))
                let attributes = attributes(of: bytes[(open + 5)..<end])
                i = end
                let rels = (attributes["rel"] ?? "").lowercased().split(whereSeparator: \.isWhitespace)
                let type = (attributes["type"] ?? "").lowercased().split(separator: ";").first.map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                guard rels.contains("alternate"), let type, feedTypes.contains(type) || type == "application/json",
                    let href = attributes["href"], let url = webURL(href, base: base), !found.contains(url), !json.contains(url)
                else { continue }
                if type != "application/json" {
                    found.append(url)
                } else if json.count < limit {
                    json.append(url)
                }
            }
        }
        return found.isEmpty ? json : found
    }

    /// `href` decoded and made absolute, if it is a plain http(s) URL fit to quote in a message.
    private static func webURL(_ href: String, base: URL?) -> String? {
        guard let url = HTMLSanitizer.safeURL(HTMLEntities.decode(href), base: base), url.utf8.count <= 2_048,
            url.lowercased().hasPrefix("http://") || url.lowercased().hasPrefix("https://"),
            !url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control })
        else { return nil }
        return url
    }

    private static func startsComment(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        i + 3 < bytes.count && bytes[i + 1] == UInt8(ascii: "!") && bytes[i + 2] == UInt8(ascii: "-") && bytes[i + 3] == UInt8(ascii: "-")
    }

    /// Just past the end of a comment whose text starts at `i`, else the end: `-->` or `--!>`,
    /// or at once `>` or `->` (`<!-->`, `<!--->`), as HTML ends them.
    private static func commentEnd(_ bytes: UnsafeBufferPointer<UInt8>, from i: Int) -> Int {
        let dash = UInt8(ascii: "-")
        var j = i
        while let close = ByteScan.index(of: UInt8(ascii: ">"), in: bytes, from: j) {
            if close == i || (close == i + 1 && bytes[i] == dash) { return close + 1 }
            let before = close - i
            if before >= 2, bytes[close - 1] == dash, bytes[close - 2] == dash { return close + 1 }
            if before >= 3, bytes[close - 1] == UInt8(ascii: "!"), bytes[close - 2] == dash, bytes[close - 3] == dash {
                return close + 1
            }
            j = close + 1
        }
        return bytes.count
    }

    /// The `>` that ends a tag whose inside starts at `i` (one inside quotes does not), else
    /// `limit`.
    private static func tagEnd(_ bytes: UnsafeBufferPointer<UInt8>, from i: Int, limit: Int) -> Int {
        var quote: UInt8?
        var j = i
        while j < limit {
            let byte = bytes[j]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: ">") {
                return j
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'"), j > i,
                bytes[j - 1] == UInt8(ascii: "=") || Whitespace.isASCIISpace(bytes[j - 1])
            {
                quote = byte
            }
            j += 1
        }
        return limit
    }

    /// Whether `<link` followed by white space or `/` starts at `i`, in any case.
    private static func isLinkTag(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        guard i + 5 < bytes.count else { return false }
        for (k, letter) in "link".utf8.enumerated() where bytes[i + 1 + k] | 0x20 != letter { return false }
        let next = bytes[i + 5]
        return Whitespace.isASCIISpace(next) || next == UInt8(ascii: "/")
    }

    /// The attributes of a tag's inside (after its name), names lower-cased, values as written;
    /// the first of a repeated name counts.
    private static func attributes(of tag: Slice<UnsafeBufferPointer<UInt8>>) -> [String: String] {
        var result: [String: String] = [:]
        var i = tag.startIndex
        func isSpace(_ byte: UInt8) -> Bool { Whitespace.isASCIISpace(byte) }
        func text(_ range: Range<Int>) -> String { String(decoding: tag[range], as: UTF8.self) }
        while true {
            while i < tag.endIndex, isSpace(tag[i]) || tag[i] == UInt8(ascii: "/") { i += 1 }
            guard i < tag.endIndex else { return result }
            let nameStart = i
            while i < tag.endIndex, !isSpace(tag[i]), tag[i] != UInt8(ascii: "="), tag[i] != UInt8(ascii: "/") { i += 1 }
            let name = text(nameStart..<i).lowercased()
            while i < tag.endIndex, isSpace(tag[i]) { i += 1 }
            guard i < tag.endIndex, tag[i] == UInt8(ascii: "=") else {
                if !name.isEmpty, result[name] == nil { result[name] = "" }
                continue
            }
            i += 1
            while i < tag.endIndex, isSpace(tag[i]) { i += 1 }
            let value: String
            if i < tag.endIndex, tag[i] == UInt8(ascii: "\"") || tag[i] == UInt8(ascii: "'") {
                let quote = tag[i]
                i += 1
                let valueStart = i
                while i < tag.endIndex, tag[i] != quote { i += 1 }
                value = text(valueStart..<i)
                if i < tag.endIndex { i += 1 }
            } else {
                let valueStart = i
                while i < tag.endIndex, !isSpace(tag[i]) { i += 1 }
                value = text(valueStart..<i)
            }
            if result[name] == nil { result[name] = value }
        }
    }
}
