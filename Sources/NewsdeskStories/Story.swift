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
    /// The start of the article's text, as the feed gave it.
    public var excerpt: String?
    /// The feed URL of the source of the same story whose text this one carries (wire copy),
    /// nil when this source is an independent report (see ``Syndication``).
    public var copyOf: String?
    /// When Newsdesk first saw this feed carry the story.
    public var firstSeen: Date
    /// The date the feed claims for its article, if any.
    public var published: Date?

    public init(
        feedURL: String, name: String, weight: Double = 1, tags: [String] = [], link: String? = nil, title: String? = nil,
        excerpt: String? = nil, copyOf: String? = nil, firstSeen: Date, published: Date? = nil
    ) {
        self.feedURL = feedURL
        self.name = name
        self.weight = weight
        self.tags = tags
        self.link = link
        self.title = title
        self.excerpt = excerpt
        self.copyOf = copyOf
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

    /// The sources as independent reports, in the order of their first source: each report an
    /// original and the copies of it (the sources whose `copyOf` names it). A `copyOf` that names
    /// no original of this story counts as an independent report of its own.
    public var reports: [[StorySource]] {
        let originals = Set(sources.filter { $0.copyOf == nil }.map(\.feedURL))
        var reports: [[StorySource]] = []
        var index: [String: Int] = [:]  // the original's feed URL -> its report
        for source in sources {
            let original = source.copyOf.flatMap { originals.contains($0) ? $0 : nil } ?? source.feedURL
            if let report = index[original] {
                reports[report].append(source)
            } else {
                index[original] = reports.count
                reports.append([source])
            }
        }
        return reports
    }

    /// How many independent reports the sources are: as many as there are sources when none is
    /// a copy, fewer when several carry the same wire text.
    public var independent: Int { reports.count }

    /// The feed that leads the story.
    public var leadFeed: String? { sources.first?.feedURL }

    /// The source that carried the story first: the earliest by when it reported it, which is
    /// the date its feed claims when that is plausible (not after Newsdesk first saw it, nor
    /// more than a day before), else when Newsdesk first saw it. Ties go to the earlier source
    /// in the story's order.
    public var firstReporter: StorySource? {
        sources.enumerated().min { a, b in
            let (ta, tb) = (Self.reported(a.element), Self.reported(b.element))
            return ta != tb ? ta < tb : a.offset < b.offset
        }?.element
    }

    /// When `source` reported the story, as ``firstReporter`` judges it.
    static func reported(_ source: StorySource) -> Date {
        guard let claimed = source.published, claimed <= source.firstSeen else { return source.firstSeen }
        return max(claimed, source.firstSeen.addingTimeInterval(-86_400))
    }
}
