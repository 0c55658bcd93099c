import Foundation

/// The syndication format a document was written in.
public enum FeedFormat: String, Sendable, Codable, CaseIterable {
    case rss09x = "rss0.9x"
    case rss10 = "rss1.0"
    case rss20 = "rss2.0"
    case atom03 = "atom0.3"
    case atom10 = "atom1.0"
    case json10 = "json1.0"
    case json11 = "json1.1"
}

/// A parsed feed, normalized: plain-text titles, sanitized HTML, absolute links, UTC dates.
///
/// A value type: safe to share between threads.
public struct Feed: Sendable, Equatable {
    public var format: FeedFormat
    /// Plain text.
    public var title: String?
    /// The site the feed belongs to (the alternate link), absolute where a base was known.
    public var link: String?
    /// The feed's own address as it states it (`rel="self"`, `atom:link` in RSS).
    public var selfLink: String?
    /// Sanitized HTML.
    public var subtitle: String?
    public var language: String?
    public var updated: Date?
    public var imageURL: String?
    /// RSS `<ttl>`: minutes the publisher asks readers to cache the feed.
    public var ttlMinutes: Int?
    /// The character encoding the document was read as ("UTF-8", "WINDOWS-1252", ...).
    public var encoding: String?
    public var items: [FeedItem]
    /// Things that were wrong but recovered from, in words a user can act on.
    public var warnings: [String]

    public init(
        format: FeedFormat, title: String? = nil, link: String? = nil, selfLink: String? = nil,
        subtitle: String? = nil, language: String? = nil, updated: Date? = nil,
        imageURL: String? = nil, ttlMinutes: Int? = nil, items: [FeedItem] = [],
        warnings: [String] = []
    ) {
        self.format = format
        self.title = title
        self.link = link
        self.selfLink = selfLink
        self.subtitle = subtitle
        self.language = language
        self.updated = updated
        self.imageURL = imageURL
        self.ttlMinutes = ttlMinutes
        self.items = items
        self.warnings = warnings
    }
}

/// One entry of a feed, normalized like `Feed`.
public struct FeedItem: Sendable, Equatable {
    /// The publisher's own id (`guid`, `atom:id`, `rdf:about`), as written.
    public var guid: String?
    /// The identity used to recognise this item again: guid, else link, else a hash of title and date.
    public var identity: String
    /// Plain text.
    public var title: String?
    /// The article's address, absolute where a base was known.
    public var link: String?
    public var published: Date?
    public var updated: Date?
    /// Set when the feed gave a date more than a day ahead of the parse: kept here, not trusted.
    public var futureDate: String?
    public var authors: [String]
    public var categories: [String]
    /// Sanitized HTML.
    public var summary: String?
    /// Sanitized HTML of the full text (`content:encoded`, `atom:content`).
    public var content: String?
    /// Plain text from the summary (else the content), cut to a few hundred characters.
    public var excerpt: String?
    public var enclosures: [Enclosure]
    public var thumbnail: String?
    public var commentsLink: String?
    public var commentCount: Int?
    /// Seconds, from `itunes:duration`.
    public var duration: Int?

    public init(identity: String = "") {
        self.identity = identity
        self.authors = []
        self.categories = []
        self.enclosures = []
    }
}

/// A media file attached to an item (RSS `enclosure`, Atom `rel="enclosure"`, `media:content`).
public struct Enclosure: Sendable, Equatable, Hashable {
    public var url: String
    public var type: String?
    public var length: Int?

    public init(url: String, type: String? = nil, length: Int? = nil) {
        self.url = url
        self.type = type
        self.length = length
    }
}
