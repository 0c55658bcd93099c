import Foundation

/// Turns the SAX events of any RSS or Atom dialect into a `RawFeed`.
///
/// Keeps a stack of open elements (with the xml:base in force at each) and captures the text of
/// the elements it knows, by where they stand: a `title` in an item is the item's title, in an
/// RSS `image` it is not. An item joins the feed only when its end tag is seen, so a truncated
/// document yields its complete items.
final class FeedBuilder: XMLEventSink {
    private(set) var feed = RawFeed()
    private(set) var rootName: String?
    /// A cap on one element's text; beyond it the rest is dropped (a 50 MB text node stays bounded).
    let maxFieldBytes: Int
    private(set) var truncatedFields = 0

    private struct Frame {
        var name: XMLName
        var base: URL?
    }

    /// The element whose text is being collected, and where it goes.
    private struct Capture {
        var target: Target
        var kind: TextKind
        var depth: Int
        var base: URL?
        var buffer: [UInt8] = []
    }

    private enum Target {
        case feedTitle, feedSubtitle, feedLink, feedLanguage, feedUpdated, feedTTL, feedImageURL
        case title, guid, link, published, updated, author, authorName, category, summary, content
        case mediaDescription, comments, commentCount, duration
    }

    private var stack: [Frame] = []
    private var capture: Capture?
    private var item: RawItem?
    private var itemDepth = 0
    /// Depth of an Atom author/contributor element being read, and the name found in it.
    private var authorDepth: Int?
    /// A `<feed>` root in no namespace: its children are read as Atom.
    private var atomWithoutNamespace = false

    init(documentURL: URL?, maxFieldBytes: Int = 4 << 20) {
        self.maxFieldBytes = maxFieldBytes
        stack.reserveCapacity(32)
        stack.append(Frame(name: XMLName(namespace: .none, local: ""), base: documentURL))
    }

    // MARK: XMLEventSink

    func startElement(_ name: XMLName, attributes: XMLAttributes) {
        let name = atomWithoutNamespace && name.namespace == .none ? XMLName(namespace: feed.format == .atom03 ? .atom03 : .atom10, local: name.local) : name
        var base = stack[stack.count - 1].base
        if !attributes.isEmpty, let xmlBase = attributes["base", namespace: .xml] {
            base = LinkResolver.base(xmlBase, against: base) ?? base
        }
        let parent = stack[stack.count - 1].name
        stack.append(Frame(name: name, base: base))
        let depth = stack.count

        if var active = capture {
            if active.kind == .html || active.kind == .xhtml {
                // Inline markup inside a text construct; the wrapper div of Atom xhtml is not content.
                if !(active.kind == .xhtml && depth == active.depth + 1 && name.local == "div" && name.namespace == .xhtml) {
                    append("<" + name.local, to: &active)
                    for attribute in attributes.all {
                        let qualified = attribute.prefix.map { "\($0):\(attribute.local)" } ?? attribute.local
                        append(" \(qualified)=\"\(HTMLSanitizer.escapeText(attribute.value))\"", to: &active)
                    }
                    append(">", to: &active)
                }
            }
            capture = active
            return
        }
        if feed.format == nil {
            // The first feed element is the feed, even inside something else (an HTML page).
            if rootName == nil { rootName = name.local }
            feed.format = Self.format(of: name, attributes: attributes)
            atomWithoutNamespace = name.namespace == .none && name.local == "feed"
            return
        }
        if item == nil {
            if Self.isItem(name) {
                item = RawItem(base: base)
                itemDepth = depth
                if let about = attributes["about", namespace: .rdf] { item?.about = about }
            } else {
                startChannelElement(name, parent: parent, attributes: attributes, base: base, depth: depth)
            }
            return
        }
        startItemElement(name, parent: parent, attributes: attributes, base: base, depth: depth)
    }

    func endElement(_ name: XMLName) {
        let name = atomWithoutNamespace && name.namespace == .none ? XMLName(namespace: feed.format == .atom03 ? .atom03 : .atom10, local: name.local) : name
        let depth = stack.count
        defer { stack.removeLast() }
        if var active = capture {
            if depth > active.depth {
                if (active.kind == .html || active.kind == .xhtml)
                    && !(active.kind == .xhtml && depth == active.depth + 1 && name.local == "div" && name.namespace == .xhtml) {
                    append("</\(name.local)>", to: &active)
                }
                capture = active
                return
            }
            capture = nil
            finish(active)
        }
        if depth == authorDepth { authorDepth = nil }
        if depth == itemDepth, var finished = item {
            item = nil
            itemDepth = 0
            if finished.guid == nil, let about = finished.about { finished.guid = about }
            feed.items.append(finished)
        }
    }

    func characters(_ text: UnsafeBufferPointer<UInt8>) {
        guard var active = capture else { return }
        capture = nil  // keep the buffer uniquely referenced while it grows
        if active.buffer.count + text.count > maxFieldBytes {
            truncatedFields += active.buffer.count < maxFieldBytes ? 1 : 0
            active.buffer.append(contentsOf: text.prefix(max(0, maxFieldBytes - active.buffer.count)))
        } else if active.kind == .xhtml {
            active.buffer.append(contentsOf: HTMLSanitizer.escapeText(String(decoding: text, as: UTF8.self)).utf8)
        } else {
            active.buffer.append(contentsOf: text)
        }
        capture = active
    }

    private func append(_ markup: String, to capture: inout Capture) {
        if capture.buffer.count < maxFieldBytes { capture.buffer.append(contentsOf: markup.utf8) }
    }

    // MARK: Where elements stand

    static func format(of root: XMLName, attributes: XMLAttributes) -> FeedFormat? {
        switch (root.namespace, root.local) {
        case (.atom10, "feed"): return .atom10
        case (.atom03, "feed"): return .atom03
        case (.none, "feed"): return attributes["version"] == "0.3" ? .atom03 : .atom10
        case (.rdf, "RDF"): return .rss10
        case (_, "rss"):
            let version = attributes["version"]?.trimmingCharacters(in: .whitespaces) ?? "2.0"
            return version.hasPrefix("0.9") ? .rss09x : .rss20
        default: return nil
        }
    }

    private static func isItem(_ name: XMLName) -> Bool {
        switch name.namespace {
        case .none, .rss10, .rss090: name.local == "item"
        case .atom10, .atom03: name.local == "entry"
        default: false
        }
    }

    private static func isAtom(_ name: XMLName) -> Bool { name.namespace == .atom10 || name.namespace == .atom03 }
    private static func isRSS(_ name: XMLName) -> Bool {
        name.namespace == .none || name.namespace == .rss10 || name.namespace == .rss090
    }

    private func begin(_ target: Target, kind: TextKind, depth: Int, base: URL?) {
        capture = Capture(target: target, kind: kind, depth: depth, base: base)
    }

    private func startChannelElement(_ name: XMLName, parent: XMLName, attributes: XMLAttributes, base: URL?, depth: Int) {
        // RSS 0.90 shares RSS 1.0's rdf:RDF root; its channel's namespace tells them apart.
        if feed.format == .rss10, name.local == "channel", name.namespace == .rss090 { feed.format = .rss09x }
        let inChannel = (parent.local == "channel" && Self.isRSS(parent)) || (parent.local == "feed" && Self.isAtom(parent))
        if parent.local == "image" && Self.isRSS(parent) && name.local == "url" {
            begin(.feedImageURL, kind: .text, depth: depth, base: base)
            return
        }
        guard inChannel else { return }
        switch (name.namespace, name.local) {
        case (.none, "title"), (.rss10, "title"), (.rss090, "title"):
            begin(.feedTitle, kind: .text, depth: depth, base: base)
        case (.atom10, "title"), (.atom03, "title"):
            begin(.feedTitle, kind: Self.atomKind(attributes), depth: depth, base: base)
        case (.none, "description"), (.rss10, "description"):
            begin(.feedSubtitle, kind: .html, depth: depth, base: base)
        case (.atom10, "subtitle"), (.atom03, "tagline"):
            begin(.feedSubtitle, kind: Self.atomKind(attributes), depth: depth, base: base)
        case (.none, "link"), (.rss10, "link"), (.rss090, "link"):
            begin(.feedLink, kind: .text, depth: depth, base: base)
        case (.atom10, "link"), (.atom03, "link"):
            if let link = Self.atomLink(attributes, base: base) { feed.links.append(link) }
        case (.none, "language"), (.dc, "language"): begin(.feedLanguage, kind: .text, depth: depth, base: base)
        case (.none, "lastBuildDate"), (.atom10, "updated"), (.atom03, "modified"), (.dc, "date"):
            begin(.feedUpdated, kind: .text, depth: depth, base: base)
        case (.none, "ttl"): begin(.feedTTL, kind: .text, depth: depth, base: base)
        case (.atom10, "logo"), (.atom10, "icon"): if feed.imageURL == nil { begin(.feedImageURL, kind: .text, depth: depth, base: base) }
        case (.itunes, "image"):
            if let href = attributes["href"] { feed.imageURL = RawLink(href: href, rel: "image", base: base) }
        default: break
        }
    }

    private func startItemElement(_ name: XMLName, parent: XMLName, attributes: XMLAttributes, base: URL?, depth: Int) {
        if let authorDepth, depth == authorDepth + 1 {
            if name.local == "name" && Self.isAtom(name) { begin(.authorName, kind: .text, depth: depth, base: base) }
            return
        }
        // media:content and media:group hold their own title, description and thumbnails.
        let inMedia = parent.namespace == .media && (parent.local == "group" || parent.local == "content")
        guard depth == itemDepth + 1 || inMedia else { return }
        switch (name.namespace, name.local) {
        case (.none, "title"), (.rss10, "title"), (.rss090, "title"):
            begin(.title, kind: .text, depth: depth, base: base)
        case (.atom10, "title"), (.atom03, "title"):
            begin(.title, kind: Self.atomKind(attributes), depth: depth, base: base)
        case (.none, "link"), (.rss10, "link"), (.rss090, "link"):
            begin(.link, kind: .text, depth: depth, base: base)
        case (.atom10, "link"), (.atom03, "link"):
            guard let link = Self.atomLink(attributes, base: base) else { return }
            if link.rel == "enclosure" { item?.enclosures.append(link) } else { item?.links.append(link) }
        case (.none, "guid"):
            item?.guidIsPermaLink = attributes["isPermaLink"]?.lowercased() != "false"
            begin(.guid, kind: .text, depth: depth, base: base)
        case (.atom10, "id"), (.atom03, "id"): begin(.guid, kind: .text, depth: depth, base: base)
        case (.none, "pubDate"), (.atom10, "published"), (.atom03, "issued"), (.dcterms, "issued"), (.dcterms, "created"),
             (.atom03, "created"):
            begin(.published, kind: .text, depth: depth, base: base)
        case (.atom10, "updated"), (.atom03, "modified"), (.dc, "date"), (.dcterms, "modified"):
            begin(.updated, kind: .text, depth: depth, base: base)
        case (.none, "author"), (.dc, "creator"), (.itunes, "author"):
            begin(.author, kind: .text, depth: depth, base: base)
        case (.atom10, "author"), (.atom03, "author"), (.atom10, "contributor"):
            if name.local == "author" { authorDepth = depth }
        case (.none, "category"), (.dc, "subject"):
            begin(.category, kind: .text, depth: depth, base: base)
        case (.atom10, "category"), (.atom03, "category"):
            if let term = attributes["term"] ?? attributes["label"], !term.isEmpty { item?.categories.append(term) }
        case (.none, "description"), (.rss10, "description"), (.rss090, "description"):
            begin(.summary, kind: .html, depth: depth, base: base)
        case (.atom10, "summary"), (.atom03, "summary"):
            begin(.summary, kind: Self.atomKind(attributes), depth: depth, base: base)
        case (.atom10, "content"), (.atom03, "content"):
            if let source = attributes["src"] { item?.contentSource = RawLink(href: source, rel: "alternate", base: base) }
            begin(.content, kind: Self.atomKind(attributes), depth: depth, base: base)
        case (.content, "encoded"): begin(.content, kind: .html, depth: depth, base: base)
        case (.media, "description"), (.itunes, "summary"):
            begin(.mediaDescription, kind: attributes["type"] == "html" ? .html : .text, depth: depth, base: base)
        case (.none, "enclosure"):
            if let url = attributes["url"] {
                item?.enclosures.append(RawLink(href: url, rel: "enclosure", type: attributes["type"],
                                                length: attributes["length"], base: base))
            }
        case (.media, "content"):
            guard let url = attributes["url"] else { return }
            let type = attributes["type"]
            let link = RawLink(href: url, rel: "enclosure", type: type, length: attributes["fileSize"], base: base)
            if attributes["medium"] == "image" || type?.hasPrefix("image/") == true { item?.thumbnails.append(link) }
            else { item?.enclosures.append(link) }
        case (.media, "thumbnail"), (.itunes, "image"):
            if let url = attributes["url"] ?? attributes["href"] { item?.thumbnails.insert(RawLink(href: url, rel: "thumbnail", base: base), at: 0) }
        case (.none, "comments"): begin(.comments, kind: .text, depth: depth, base: base)
        case (.slash, "comments"): begin(.commentCount, kind: .text, depth: depth, base: base)
        case (.itunes, "duration"): begin(.duration, kind: .text, depth: depth, base: base)
        default: break
        }
    }

    /// Atom's `type` (and 0.3's `mode`) as a TextKind.
    static func atomKind(_ attributes: XMLAttributes) -> TextKind {
        if attributes["mode"] == "base64" { return .base64 }
        switch attributes["type"]?.lowercased() {
        case nil, "text", "text/plain": return attributes["mode"] == "escaped" ? .html : .text
        case "html", "text/html": return .html
        case "xhtml", "application/xhtml+xml": return attributes["mode"] == "escaped" ? .html : .xhtml
        default: return attributes["mode"] == "xml" ? .xhtml : .text
        }
    }

    private static func atomLink(_ attributes: XMLAttributes, base: URL?) -> RawLink? {
        guard let href = attributes["href"] ?? attributes["url"] else { return nil }
        return RawLink(href: href, rel: attributes["rel"]?.lowercased() ?? "alternate", type: attributes["type"],
                       length: attributes["length"], base: base)
    }

    // MARK: Captured text

    private func finish(_ capture: Capture) {
        let value = String(decoding: capture.buffer, as: UTF8.self)
        let text = RawText(value: value, kind: capture.kind, base: capture.base)
        let trimmed = UTF8Text.trim(value)
        switch capture.target {
        case .feedTitle: if feed.title == nil { feed.title = text }
        case .feedSubtitle: if feed.subtitle == nil { feed.subtitle = text }
        case .feedLink: if !trimmed.isEmpty { feed.links.append(RawLink(href: trimmed, rel: "alternate", base: capture.base)) }
        case .feedLanguage: if feed.language == nil { feed.language = trimmed }
        case .feedUpdated: if feed.updated == nil { feed.updated = trimmed }
        case .feedTTL: feed.ttl = trimmed
        case .feedImageURL: if feed.imageURL == nil, !trimmed.isEmpty { feed.imageURL = RawLink(href: trimmed, rel: "image", base: capture.base) }
        case .title: if item?.title == nil { item?.title = text }
        case .guid: if item?.guid == nil, !trimmed.isEmpty { item?.guid = trimmed }
        case .link:
            if !trimmed.isEmpty { item?.links.append(RawLink(href: trimmed, rel: "alternate", base: capture.base)) }
        case .published: if item?.published == nil, !trimmed.isEmpty { item?.published = trimmed }
        case .updated: if item?.updated == nil, !trimmed.isEmpty { item?.updated = trimmed }
        case .author, .authorName: if !trimmed.isEmpty { item?.authors.append(trimmed) }
        case .category: if !trimmed.isEmpty { item?.categories.append(trimmed) }
        case .summary: if item?.summary == nil { item?.summary = text }
        case .content: if item?.content == nil { item?.content = text }
        case .mediaDescription: if item?.mediaDescription == nil { item?.mediaDescription = text }
        case .comments: if !trimmed.isEmpty { item?.comments = RawLink(href: trimmed, rel: "replies", base: capture.base) }
        case .commentCount: item?.commentCount = trimmed
        case .duration: item?.duration = trimmed
        }
    }
}
