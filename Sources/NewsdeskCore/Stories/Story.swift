import Foundation

/// One source of a story: a feed and its article about it.
public struct StorySource: Sendable, Equatable {
    /// The feed's config URL and the name shown for it.
    public var feedURL: String
    public var name: String
    public var weight: Double
    public var tags: [String]
    /// The feed's own article.
    public var link: String?
    public var title: String?
    /// When Newsdesk first saw this feed carry the story.
    public var firstSeen: Date
    /// The date the feed claims for its article, if any.
    public var published: Date?

    public init(
        feedURL: String, name: String, weight: Double = 1, tags: [String] = [], link: String? = nil, title: String? = nil,
        firstSeen: Date, published: Date? = nil
    ) {
        self.feedURL = feedURL
        self.name = name
        self.weight = weight
        self.tags = tags
        self.link = link
        self.title = title
        self.firstSeen = firstSeen
        self.published = published
    }
}

/// A story: the same event reported by one or more feeds.
public struct Story: Sendable, Equatable {
    /// Stable for the story's whole life.
    public var id: String
    /// The representative item's title, link and excerpt (highest-weight source, then earliest).
    public var title: String
    public var link: String?
    public var excerpt: String?
    /// Distinct feeds, the representative's first.
    public var sources: [StorySource]
    public var firstSeen: Date
    public var lastUpdated: Date

    public init(
        id: String, title: String, link: String? = nil, excerpt: String? = nil, sources: [StorySource], firstSeen: Date,
        lastUpdated: Date
    ) {
        self.id = id
        self.title = title
        self.link = link
        self.excerpt = excerpt
        self.sources = sources
        self.firstSeen = firstSeen
        self.lastUpdated = lastUpdated
    }

    /// The feed that leads the story.
    public var leadFeed: String? { sources.first?.feedURL }
}
