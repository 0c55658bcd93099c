import Foundation

/// How the text of a captured element is to be read.
enum TextKind: Sendable {
    /// Plain text.
    case text
    /// HTML source (escaped in the XML, or raw inline markup).
    case html
    /// Inline XHTML, serialized back to markup.
    case xhtml
}

/// Text as the feed gave it (UTF-8 bytes, kept as bytes so that large content is never turned into
/// a String before it is sanitized), with how to read it and the base its links resolve against.
struct RawText: Sendable {
    /// Often a slice of the text `XMLRepair` lifted out of the document, shared rather than copied.
    var value: ArraySlice<UInt8>
    var kind: TextKind
    var base: URL?
}

/// A link element (Atom, `atom:link` in RSS) or link text (RSS).
struct RawLink: Sendable {
    var href: String
    var rel: String
    var type: String?
    var length: String?
    var base: URL?
}

/// What the feed said, before normalization: strings as written, dates unparsed.
struct RawFeed {
    var format: FeedFormat?
    var title: RawText?
    var subtitle: RawText?
    var links: [RawLink] = []
    var language: String?
    /// xml:lang on the root element, used when no language element says otherwise.
    var rootLanguage: String?
    var updated: String?
    var imageURL: RawLink?
    var ttl: String?
    var items: [RawItem] = []
}

/// One item as written.
struct RawItem {
    var guid: String?
    var guidIsPermaLink = true
    var about: String?
    var title: RawText?
    var links: [RawLink] = []
    /// Atom `content src`: the link of last resort.
    var contentSource: RawLink?
    var published: String?
    var updated: String?
    var authors: [String] = []
    var categories: [String] = []
    var summary: RawText?
    var content: RawText?
    /// media:title and media:description: used when the item has no title or summary of its own.
    var mediaTitle: RawText?
    var mediaDescription: RawText?
    var enclosures: [RawLink] = []
    var thumbnails: [RawLink] = []
    var comments: RawLink?
    var commentCount: String?
    var duration: String?
    var base: URL?
    /// Set on the item a truncated document ended inside: the text it was cut in ("content",
    /// "summary"), which holds only what arrived.
    var cutOff: String?
}
