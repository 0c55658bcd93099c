import Foundation
import NewsdeskBase

/// Where elements stand: what each known element of a channel or an item starts capturing.
extension FeedBuilder {
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

    func startChannelElement(_ name: XMLName, parent: FeedElement, attributes: XMLAttributes, base: URL?, depth: Int) {
        // RSS 0.90 shares RSS 1.0's rdf:RDF root; its channel's namespace tells them apart.
        if feed.format == .rss10, name.element == .channel, name.namespace == .rss090 { feed.format = .rss09x }
        if parent == .image && name.element == .url {
            begin(.feedImageURL, kind: .text, depth: depth, base: base)
            return
        }
        guard parent == .channel || parent == .atomRoot else { return }
        switch name.element {
        case .rssTitle: begin(.feedTitle, kind: .text, depth: depth, base: base)
        case .atomTitle: beginAtomText(.feedTitle, attributes: attributes, depth: depth, base: base)
        case .rssDescription: begin(.feedSubtitle, kind: .html, depth: depth, base: base)
        case .atomSubtitle: beginAtomText(.feedSubtitle, attributes: attributes, depth: depth, base: base)
        case .rssLink: begin(.feedLink, kind: .text, depth: depth, base: base)
        case .atomLink:
            if let link = Self.atomLink(attributes, base: base) {
                feed.links.append(link)
            } else if Self.isAlternate(attributes) {
                begin(.feedLink, kind: .text, depth: depth, base: base)
            }
        case .language: begin(.feedLanguage, kind: .text, depth: depth, base: base)
        case .lastBuildDate, .updated, .published: begin(.feedUpdated, kind: .text, depth: depth, base: base)
        case .ttl: begin(.feedTTL, kind: .text, depth: depth, base: base)
        case .logo: if feed.imageURL == nil { begin(.feedImageURL, kind: .text, depth: depth, base: base) }
        case .itunesImage:
            if let href = attributes["href"] { feed.imageURL = RawLink(href: href, rel: "image", base: base) }
        default: break
        }
    }

    func startItemElement(_ name: XMLName, parent: FeedElement, attributes: XMLAttributes, base: URL?, depth: Int) {
        if let authorDepth, depth == authorDepth + 1 {
            if name.element == .atomName { begin(.authorName, kind: .text, depth: depth, base: base) }
            return
        }
        // media:content and media:group hold their own title, description and thumbnails.
        let inMedia = parent == .mediaGroup || parent == .mediaContent
        guard depth == itemDepth + 1 || inMedia else { return }
        switch name.element {
        case .rssTitle: begin(.title, kind: .text, depth: depth, base: base)
        case .atomTitle: beginAtomText(.title, attributes: attributes, depth: depth, base: base)
        case .rssLink: begin(.link, kind: .text, depth: depth, base: base)
        case .atomLink:
            if let link = Self.atomLink(attributes, base: base) {
                if link.rel == "enclosure" { item?.enclosures.append(link) } else { item?.links.append(link) }
            } else if Self.isAlternate(attributes) {
                begin(.link, kind: .text, depth: depth, base: base)
            }
        case .guid:
            item?.guidIsPermaLink = attributes["isPermaLink"]?.lowercased() != "false"
            begin(.guid, kind: .text, depth: depth, base: base)
        case .atomID: begin(.guid, kind: .text, depth: depth, base: base)
        case .published: begin(.published, kind: .text, depth: depth, base: base)
        case .updated: begin(.updated, kind: .text, depth: depth, base: base)
        case .authorText: begin(.author, kind: .text, depth: depth, base: base)
        case .atomAuthor: authorDepth = depth
        case .categoryText: begin(.category, kind: .text, depth: depth, base: base)
        case .atomCategory:
            if let term = attributes["term"] ?? attributes["label"], !term.isEmpty { item?.categories.append(term) }
        case .rssDescription: begin(.summary, kind: .html, depth: depth, base: base)
        case .atomSummary: beginAtomText(.summary, attributes: attributes, depth: depth, base: base)
        case .atomContent:
            if let source = attributes["src"] { item?.contentSource = RawLink(href: source, rel: "alternate", base: base) }
            beginAtomText(.content, attributes: attributes, depth: depth, base: base)
        case .contentEncoded: begin(.content, kind: .html, depth: depth, base: base)
        case .xhtmlBody: begin(.content, kind: .xhtml, depth: depth, base: base)
        case .mediaTitle: begin(.mediaTitle, kind: .text, depth: depth, base: base)
        case .mediaDescription:
            begin(.mediaDescription, kind: attributes["type"] == "html" ? .html : .text, depth: depth, base: base)
        case .enclosure:
            if let url = attributes["url"] {
                item?.enclosures.append(
                    RawLink(
                        href: url, rel: "enclosure", type: attributes["type"],
                        length: attributes["length"], base: base))
            }
        case .mediaContent:
            guard let url = attributes["url"] else { return }
            let type = attributes["type"]
            let link = RawLink(href: url, rel: "enclosure", type: type, length: attributes["fileSize"], base: base)
            if attributes["medium"] == "image" || type?.hasPrefix("image/") == true {
                item?.thumbnails.append(link)
            } else {
                item?.enclosures.append(link)
            }
        case .mediaThumbnail, .itunesImage:
            if let url = attributes["url"] ?? attributes["href"] {
                item?.thumbnails.insert(RawLink(href: url, rel: "thumbnail", base: base), at: 0)
            }
        case .comments: begin(.comments, kind: .text, depth: depth, base: base)
        case .slashComments: begin(.commentCount, kind: .text, depth: depth, base: base)
        case .duration: begin(.duration, kind: .text, depth: depth, base: base)
        default: break
        }
    }

    /// Starts capturing an Atom text construct, read as its `type` (and 0.3's `mode`) say.
    func beginAtomText(_ target: Target, attributes: XMLAttributes, depth: Int, base: URL?) {
        let mode = attributes["mode"]
        let kind: TextKind
        var base64 = mode == "base64"
        switch attributes["type"]?.lowercased() {
        case nil, "", "text", "text/plain": kind = mode == "escaped" ? .html : .text
        case "html", "text/html": kind = .html
        case "xhtml", "application/xhtml+xml": kind = mode == "escaped" ? .html : .xhtml
        case let type? where type.hasPrefix("text/"): kind = .text
        case let type? where type.hasSuffix("+xml") || type.hasSuffix("/xml"): kind = mode == "escaped" ? .html : .xhtml
        default:
            // RFC 4287 4.1.3.3: any other media type is base64; shown as the text it decodes to.
            kind = .text
            base64 = true
        }
        begin(target, kind: kind, depth: depth, base: base, base64: base64)
    }

    private static func atomLink(_ attributes: XMLAttributes, base: URL?) -> RawLink? {
        guard let href = attributes["href"] ?? attributes["url"] else { return nil }
        return RawLink(
            href: href, rel: attributes["rel"]?.lowercased() ?? "alternate", type: attributes["type"],
            length: attributes["length"], base: base)
    }

    /// Whether an Atom link without an href is an alternate one, whose text is then read as
    /// its URL (`<link rel="alternate">https://…</link>`, RSS's habit in an Atom feed).
    private static func isAlternate(_ attributes: XMLAttributes) -> Bool {
        attributes["rel"].map { $0.lowercased() == "alternate" } ?? true
    }
}
