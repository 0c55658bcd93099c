import Foundation
import NewsdeskConfig
import NewsdeskParse
import NewsdeskStories

/// What every `--json` prints: `Encodable` shapes of the command line's own, written by
/// `JSONEncoder` (keys sorted, slashes left as they are). The library's types stay free of them.
enum JSONOutput {
    static func data(_ value: some Encodable, pretty: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { encoder.outputFormatting.insert(.prettyPrinted) }
        return try encoder.encode(value)
    }

    static func print(_ value: some Encodable) throws {
        Swift.print(String(decoding: try data(value), as: UTF8.self))
    }
}

// swift-format-ignore: UseSynthesizedInitializer
/// An optional written as `null` when absent, where `JSONEncoder` would leave the key out: the
/// outputs keep every key, so that a reader can tell "none" from "not asked".
@propertyWrapper
struct Nullable<Value: Encodable>: Encodable {
    var wrappedValue: Value?

    // Not the synthesized one: with `wrappedValue:`, a struct's memberwise initializer takes a
    // plain optional for each `@Nullable` property.
    init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value = wrappedValue { try container.encode(value) } else { try container.encodeNil() }
    }
}

/// `newsdesk parse --json`: absent values as null or empty lists, dates in UTC.
struct FeedJSON: Encodable {
    var format: String
    @Nullable var title: String?
    @Nullable var link: String?
    @Nullable var selfLink: String?
    @Nullable var subtitle: String?
    @Nullable var language: String?
    @Nullable var updated: String?
    @Nullable var encoding: String?
    var warnings: [String]
    var items: [Item]

    enum CodingKeys: String, CodingKey {
        case format, title, link, subtitle, language, updated, encoding, warnings, items
        case selfLink = "self"
    }

    struct Item: Encodable {
        var id: String
        var identity: String
        @Nullable var title: String?
        @Nullable var link: String?
        @Nullable var published: String?
        @Nullable var updated: String?
        var authors: [String]
        var categories: [String]
        @Nullable var summary: String?
        @Nullable var content: String?
        @Nullable var excerpt: String?
        @Nullable var thumbnail: String?
        var enclosures: [Enclosure]
    }

    struct Enclosure: Encodable {
        var url: String
        @Nullable var type: String?
        @Nullable var length: Int?
    }

    init(_ feed: Feed) {
        format = feed.format.rawValue
        (title, link, selfLink, subtitle, language) = (feed.title, feed.link, feed.selfLink, feed.subtitle, feed.language)
        updated = feed.updated.map(FeedDate.rfc3339)
        encoding = feed.encoding
        warnings = feed.warnings
        items = feed.items.map { item in
            Item(
                id: item.guid ?? item.identity, identity: item.identity, title: item.title, link: item.link,
                published: item.published.map(FeedDate.rfc3339), updated: item.updated.map(FeedDate.rfc3339),
                authors: item.authors, categories: item.categories, summary: item.summary, content: item.content,
                excerpt: item.excerpt, thumbnail: item.thumbnail,
                enclosures: item.enclosures.map { Enclosure(url: $0.url, type: $0.type, length: $0.length) })
        }
    }
}

/// One story of `newsdesk stories --json`.
struct StoryJSON: Encodable {
    var id: String
    var title: String
    @Nullable var link: String?
    var score: Int
    var red: Bool
    var explanation: String
    var independent: Int
    @Nullable var firstReportedBy: String?
    var sources: [Source]
    var breakdown: Breakdown
    var firstSeen: String
    var lastUpdated: String

    enum CodingKeys: String, CodingKey {
        case id, title, link, score, red, explanation, independent, sources, breakdown
        case firstReportedBy = "first_reported_by"
        case firstSeen = "first_seen"
        case lastUpdated = "last_updated"
    }

    /// The feed as `atom:source` names it: its id, and its URL without credentials or query
    /// (this output is pasted and piped; the config is where the URL is whole).
    struct Source: Encodable {
        var name: String
        var url: String
        var sourceID: String
        @Nullable var link: String?

        enum CodingKeys: String, CodingKey {
            case name, url, link
            case sourceID = "source_id"
        }
    }

    /// Each part's points rounded to tenths (as the one-line explanation rounds, so both say
    /// the same), the rules' points by label, the total and the facts behind them.
    struct Breakdown: Encodable {
        var coverage, authority, velocity, recency: Double
        var rules: [String: Int] = [:]
        var muted: Bool
        var total, sources, independent: Int
        var meanWeight: Double
        var joinedLastHour: Int

        enum CodingKeys: String, CodingKey {
            case coverage, authority, velocity, recency, rules, muted, total, sources, independent
            case meanWeight = "mean_weight"
            case joinedLastHour = "joined_last_hour"
        }

        init(_ score: ScoreBreakdown) {
            let tenths = ScoreBreakdown.tenths
            (coverage, authority, velocity, recency) = (
                tenths(score.coverage), tenths(score.authority), tenths(score.velocity), tenths(score.recency)
            )
            for rule in score.rules { rules[rule.label, default: 0] += rule.points }
            (muted, total, sources, independent) = (score.muted, score.total, score.sourceCount, score.independent)
            meanWeight = tenths(score.meanWeight)
            joinedLastHour = score.joinedLastHour
        }
    }

    init(_ ranked: RankedStory, redThreshold: Int) {
        let story = ranked.story
        (id, title, link) = (story.id, story.title, story.link)
        (score, red, explanation) = (ranked.score.total, ranked.score.total >= redThreshold, ranked.score.summary)
        independent = story.independent
        firstReportedBy = story.firstReporter?.name
        sources = story.sources.map {
            Source(name: $0.name, url: PublicFeedURL.redacted($0.feedURL), sourceID: PublicFeedURL.sourceID($0.feedURL), link: $0.link)
        }
        breakdown = Breakdown(ranked.score)
        (firstSeen, lastUpdated) = (FeedDate.rfc3339(story.firstSeen), FeedDate.rfc3339(story.lastUpdated))
    }
}

/// One feed of `newsdesk status --json`.
struct FeedStatusJSON: Encodable {
    var url, fetchURL, name, state: String
    @Nullable var httpStatus: Int?
    @Nullable var error: String?
    var errorCount: Int
    @Nullable var lastSuccess: String?
    @Nullable var nextDue: String?
    var items, new24h: Int
    var moved: Bool
    @Nullable var title: String?
    var droppedItems, boilerplateItems, boilerplateBlocks, boilerplateBytes: Int
    /// On a shared state: the daemon fetching the feed now, and when its lease ends.
    @Nullable var leasedBy: String?
    @Nullable var leaseUntil: String?
    @Nullable var note: String?

    enum CodingKeys: String, CodingKey {
        case url, name, state, error, items, moved, title, note
        case fetchURL = "fetch_url"
        case httpStatus = "http_status"
        case errorCount = "error_count"
        case lastSuccess = "last_success"
        case nextDue = "next_due"
        case new24h = "new_24h"
        case droppedItems = "dropped_items"
        case boilerplateItems = "boilerplate_items"
        case boilerplateBlocks = "boilerplate_blocks"
        case boilerplateBytes = "boilerplate_bytes"
        case leasedBy = "leased_by"
        case leaseUntil = "lease_until"
    }

    init(_ feed: FeedStatus) {
        let record = feed.record
        (url, fetchURL, name, state) = (feed.config.url, record.fetchURL, feed.name, feed.state)
        (httpStatus, error, errorCount) = (record.httpStatus, record.error, record.errorCount)
        lastSuccess = record.lastSuccess.map(FeedDate.rfc3339)
        nextDue = feed.polled ? FeedDate.rfc3339(record.nextDue) : nil
        (items, new24h, moved, title) = (feed.items, feed.recent, feed.moved, record.title)
        droppedItems = record.droppedItems
        (boilerplateItems, boilerplateBlocks, boilerplateBytes) = (feed.boilerplate.items, feed.boilerplate.blocks, feed.boilerplate.bytes)
        (leasedBy, leaseUntil) = (feed.lease?.owner, feed.lease.map { FeedDate.rfc3339($0.until) })
        note = feed.notes.isEmpty ? nil : feed.notes.joined(separator: "; ")
    }
}
