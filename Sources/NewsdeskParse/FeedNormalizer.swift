import Foundation
import NewsdeskBase

/// Turns what a feed said (`RawFeed`) into what Newsdesk uses (`Feed`): plain-text titles,
/// sanitized HTML, absolute links, UTC dates, one identity per item.
///
/// Plain texts (feed and item titles, author names, categories, excerpts) lose their invisible
/// controls and are cut to their caps here (``PlainText``), so that the database never holds a
/// 4 MB title; an item's identity is still derived from its title as the feed gave it.
struct FeedNormalizer {
    /// Dates further ahead of this than a day are reported, not trusted.
    let now: Date
    /// Titles, author names and categories are cut to this many characters (`max_title_chars`).
    var maxTitleChars = 300
    /// Excerpts are cut to this many characters (`max_excerpt_chars`).
    var maxExcerptChars = 280

    func normalize(_ raw: RawFeed, format: FeedFormat, warnings: [String]) -> Feed {
        var feed = Feed(format: format, warnings: warnings)
        feed.title = raw.title.map(plainText).map(title).flatMap(nonEmpty)
        feed.link = alternate(raw.links)
        feed.selfLink = raw.links.first(where: { $0.rel == "self" }).map(resolve)
        feed.subtitle = raw.subtitle.map(html).flatMap(nonEmpty)
        // A language tag is BCP 47 ("en-US"); "en_US" is the POSIX locale habit.
        feed.language = (raw.language ?? raw.rootLanguage).flatMap(nonEmpty).map {
            $0.contains("_") ? $0.replacingOccurrences(of: "_", with: "-") : $0
        }
        feed.updated = raw.updated.flatMap { date($0, field: "updated", warnings: &feed.warnings, what: "feed date").trusted }
        feed.imageURL = raw.imageURL.map(resolve)
        feed.ttlMinutes = raw.ttl.flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
        feed.items = raw.items.map { item(from: $0, warnings: &feed.warnings) }
        return feed
    }

    private func item(from raw: RawItem, warnings: inout [String]) -> FeedItem {
        var item = FeedItem()
        item.guid = raw.guid
        let title = (raw.title ?? raw.mediaTitle).map(plainText).flatMap(nonEmpty)
        item.title = title.map(self.title).flatMap(nonEmpty)
        item.link = alternate(raw.links) ?? raw.contentSource.map(resolve)
        if item.link == nil, raw.guidIsPermaLink, let guid = raw.guid, guid.hasPrefix("http://") || guid.hasPrefix("https://") {
            item.link = guid
        }
        var label: String { item.title.map { "item \"\($0.prefix(60))\"" } ?? "an item" }
        for (text, isPublished) in [(raw.published, true), (raw.updated, false)] {
            guard let text else { continue }
            let (trusted, future) = date(text, field: isPublished ? "published" : "updated", warnings: &warnings, what: label)
            if isPublished { item.published = trusted } else { item.updated = trusted }
            if future { item.futureDate = text }
        }
        item.authors = unique(raw.authors.map { self.title(Self.authorName($0)) }.filter { !$0.isEmpty })
        item.categories = unique(raw.categories.map { self.title(UTF8Text.fold($0)) }.filter { !$0.isEmpty })
        // The excerpt comes from the summary, else the content, in the pass that sanitizes it.
        var excerpt: String?
        if let source = raw.summary ?? raw.mediaDescription {
            let (html, text) = htmlAndExcerpt(source, excerpt: true)
            item.summary = nonEmpty(html)
            if item.summary != nil { excerpt = text }
        }
        if let source = raw.content {
            let (html, text) = htmlAndExcerpt(source, excerpt: excerpt == nil)
            item.content = nonEmpty(html)
            if excerpt == nil, item.content != nil { excerpt = text }
        }
        item.excerpt = excerpt.map(PlainText.visible).flatMap(nonEmpty)
        if let cutOff = raw.cutOff {
            warnings.append("\(label): the document ends inside its \(cutOff); kept with the text that arrived, which may be incomplete")
        }
        var seen: Set<String> = []
        item.enclosures = raw.enclosures.compactMap { link in
            let url = resolve(link)
            guard !url.isEmpty, seen.insert(url).inserted else { return nil }
            return Enclosure(url: url, type: link.type.flatMap(nonEmpty), length: link.length.flatMap { Int(Whitespace.trim($0)) })
        }
        item.thumbnail =
            raw.thumbnails.first.map(resolve)
            ?? item.enclosures.first(where: { $0.type?.hasPrefix("image/") == true })?.url
        item.commentsLink = raw.comments.map(resolve)
        item.commentCount = raw.commentCount.flatMap { Int($0) }
        item.duration = raw.duration.flatMap(Self.seconds)
        item.identity = Self.identity(guid: raw.guid, link: item.link, title: title, date: raw.published ?? raw.updated)
        return item
    }

    // MARK: Pieces

    /// The publisher's id, else the link, else a hash of title and date: stable across fetches.
    static func identity(guid: String?, link: String?, title: String?, date: String?) -> String {
        if let guid, !guid.isEmpty { return guid }
        if let link, !link.isEmpty { return link }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a, 64 bits
        for byte in "\(title ?? "")\u{1F}\(date ?? "")".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return "urn:newsdesk:item:" + String(hash, radix: 16)
    }

    /// The alternate link: an HTML one first, else the first without a special rel.
    private func alternate(_ links: [RawLink]) -> String? {
        // One pass, no intermediate array: this runs for every item.
        var best: RawLink?
        for link in links where link.rel == "alternate" {
            if link.type == nil || link.type?.contains("html") == true {
                best = link
                break
            }
            if best == nil { best = link }
        }
        return best.map(resolve).flatMap(nonEmpty)
    }

    private func resolve(_ link: RawLink) -> String { LinkResolver.resolve(link.href, against: link.base) }

    /// The date `text` names, unless it is unreadable, a zero value standing for no date
    /// (`FeedDate.isPlaceholder`) or more than a day ahead (`future`); each is reported in
    /// `warnings`, a placeholder with the `field` it was found in. Every date of every format
    /// comes through here.
    private func date(_ text: String, field: String, warnings: inout [String], what: @autoclosure () -> String)
        -> (trusted: Date?, future: Bool)
    {
        let parsed = FeedDate.parse(text)
        if FeedDate.isPlaceholder(text, parsed: parsed) {
            warnings.append("\(what()): \(field) \"\(text.prefix(60))\" is a placeholder (a zero value), not a date; ignored")
            return (nil, false)
        }
        guard let date = parsed else {
            warnings.append("\(what()): unreadable date \"\(text.prefix(60))\"")
            return (nil, false)
        }
        if date > now.addingTimeInterval(86_400) {
            warnings.append("\(what()): date \"\(text.prefix(60))\" is more than a day in the future; not trusted")
            return (nil, true)
        }
        return (date, false)
    }

    /// A title (or name) as kept: invisible controls removed, cut to `maxTitleChars`.
    private func title(_ text: String) -> String { PlainText.clean(text, limit: maxTitleChars) }

    func plainText(_ text: RawText) -> String {
        text.value.withUnsafeBufferPointer { bytes in
            switch text.kind {
            case .text where !Self.looksLikeHTML(bytes):
                var folded: [UInt8] = []
                UTF8Text.fold(bytes, into: &folded)
                return String(decoding: folded, as: UTF8.self)
            case .text, .html, .xhtml: return HTMLSanitizer.plainText(bytes)
            }
        }
    }

    func html(_ text: RawText) -> String { htmlAndExcerpt(text, excerpt: false).html }

    /// Sanitized HTML and, when asked, the excerpt of the same text.
    func htmlAndExcerpt(_ text: RawText, excerpt: Bool) -> (html: String, excerpt: String) {
        text.value.withUnsafeBufferPointer { bytes in
            switch text.kind {
            case .text:
                let plain = Whitespace.trimmed(bytes)
                return (
                    HTMLSanitizer.escapeText(plain),
                    excerpt ? Whitespace.withBytes(plain) { HTMLSanitizer.excerpt(plainText: $0, limit: maxExcerptChars) } : ""
                )
            case .html, .xhtml:
                return HTMLSanitizer.sanitize(bytes, base: text.base, excerptLimit: excerpt ? maxExcerptChars : 0)
            }
        }
    }

    /// Whether plain-text-by-the-spec (an RSS title) carries markup or entities anyway: a tag
    /// (`<` then a letter or `/`, closed later) or a character reference HTML knows.
    static func looksLikeHTML(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "<"), i + 1 < bytes.count,
                bytes[i + 1] == UInt8(ascii: "/") || (bytes[i + 1] | 0x20 >= 0x61 && bytes[i + 1] | 0x20 <= 0x7A),
                ByteScan.index(of: UInt8(ascii: ">"), in: bytes, from: i + 1) != nil
            {
                return true
            }
            if b == UInt8(ascii: "&") {
                var decoded: [UInt8] = []
                UTF8Text.appendDecoded(UnsafeBufferPointer(rebasing: bytes[i..<min(bytes.count, i + 40)]), escape: false, to: &decoded)
                if decoded.first != UInt8(ascii: "&") || decoded.count < min(bytes.count, i + 40) - i { return true }
            }
            i += 1
        }
        return false
    }

    /// "jdoe@example.com (John Doe)", "John Doe (jdoe@example.com)" and "John Doe <jdoe@example.com>"
    /// all name John Doe.
    static func authorName(_ text: String) -> String {
        let folded = UTF8Text.fold(text)
        // Most names are just names: no Character-level work for them.
        guard folded.utf8.contains(where: { $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: "<") }) else { return folded }
        if let open = folded.firstIndex(of: "("), folded.hasSuffix(")") {
            let inside = Whitespace.trim(String(folded[folded.index(after: open)..<folded.index(before: folded.endIndex)]))
            let outside = Whitespace.trim(String(folded[..<open]))
            if outside.contains("@") && !inside.isEmpty { return inside }
            if inside.contains("@") && !outside.isEmpty { return outside }
        }
        if let open = folded.firstIndex(of: "<"), folded.hasSuffix(">"), open > folded.startIndex {
            return folded[..<open].trimmingCharacters(in: .whitespaces)
        }
        return folded
    }

    /// itunes:duration as seconds: "3723", "62:03", "1:02:03"; nil for anything else, absurdly
    /// long values included (each part is bounded, so the total cannot overflow).
    static func seconds(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Int(Whitespace.trim(String($0))) }
        guard !parts.isEmpty, parts.count <= 3 else { return nil }
        var total = 0
        for part in parts {
            guard let part, (0..<1_000_000_000).contains(part) else { return nil }
            total = total * 60 + part
        }
        return total < 1 << 40 ? total : nil
    }

    private func nonEmpty(_ text: String) -> String? {
        let trimmed = Whitespace.trim(text)
        return trimmed.isEmpty ? nil : trimmed
    }

    private func unique(_ values: [String]) -> [String] {
        // Items carry a handful of authors and categories: comparing is cheaper than hashing.
        guard values.count > 16 else {
            var kept: [String] = []
            for value in values where !kept.contains(value) { kept.append(value) }
            return kept
        }
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
}
