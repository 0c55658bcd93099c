import Foundation

/// The feeds an HTML page points to with `<link rel="alternate" type="application/rss+xml"
/// href="…">` (RSS, Atom, RDF, JSON Feed), so that "not a feed" can say where the feed is.
///
/// A plain scan for `<link` tags: it runs only on a body that already failed as a feed, and an
/// HTML page is rarely well-formed enough for the XML parser to reach its head intact.
enum FeedDiscovery {
    private static let feedTypes: Set<String> = [
        "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json", "application/json",
    ]

    /// At most `limit` feed URLs named in `html`, absolute against `base` where one is known, in
    /// page order, without repeats.
    static func feeds(in html: [UInt8], base: URL?, limit: Int = 5) -> [String] {
        let text = String(decoding: html, as: UTF8.self)
        var found: [String] = []
        var rest = text[...]
        while found.count < limit, let open = rest.range(of: "<link", options: .caseInsensitive) {
            rest = rest[open.upperBound...]
            guard let first = rest.first, first.isWhitespace || first == "/" else { continue }
            let tag = rest.prefix(while: { $0 != ">" })
            let attributes = attributes(of: tag)
            let rels = (attributes["rel"] ?? "").lowercased().split(whereSeparator: \.isWhitespace)
            let type = (attributes["type"] ?? "").lowercased().split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) }
            guard rels.contains("alternate"), let type, feedTypes.contains(type), let href = attributes["href"],
                let url = HTMLSanitizer.safeURL(HTMLEntities.decode(href), base: base), !url.isEmpty, !found.contains(url)
            else { continue }
            found.append(url)
        }
        return found
    }

    /// The attributes of a tag's inside (after its name), names lower-cased, values as written.
    private static func attributes(of tag: Substring) -> [String: String] {
        var result: [String: String] = [:]
        var i = tag.startIndex
        func skipSpace() { while i < tag.endIndex, tag[i].isWhitespace || tag[i] == "/" { i = tag.index(after: i) } }
        while true {
            skipSpace()
            guard i < tag.endIndex else { return result }
            let nameStart = i
            while i < tag.endIndex, !tag[i].isWhitespace, tag[i] != "=", tag[i] != "/" { i = tag.index(after: i) }
            let name = tag[nameStart..<i].lowercased()
            while i < tag.endIndex, tag[i].isWhitespace { i = tag.index(after: i) }
            guard i < tag.endIndex, tag[i] == "=" else {
                if !name.isEmpty { result[name] = result[name] ?? "" }
                continue
            }
            i = tag.index(after: i)
            while i < tag.endIndex, tag[i].isWhitespace { i = tag.index(after: i) }
            var value = ""
            if i < tag.endIndex, tag[i] == "\"" || tag[i] == "'" {
                let quote = tag[i]
                i = tag.index(after: i)
                let valueStart = i
                while i < tag.endIndex, tag[i] != quote { i = tag.index(after: i) }
                value = String(tag[valueStart..<i])
                if i < tag.endIndex { i = tag.index(after: i) }
            } else {
                let valueStart = i
                while i < tag.endIndex, !tag[i].isWhitespace { i = tag.index(after: i) }
                value = String(tag[valueStart..<i])
            }
            if result[name] == nil { result[name] = value }
        }
    }
}
