import Foundation
import GRDB
import Synchronization

/// An item as the story stage sees it: what clustering compares and what a story shows.
public struct StoryItem: Sendable, Equatable {
    public var id: Int64
    public var feedURL: String
    public var key: String
    public var title: String?
    public var excerpt: String?
    public var link: String?
    public var canonicalLink: String?
    public var published: Date?
    public var firstSeen: Date
    public var lastChanged: Date
    public var storyID: String?
}

extension StateStore {
    static let storyItemColumns = storyItemColumns(with: "")

    /// The same with `extra` columns (each followed by a comma) selected before the item's.
    static func storyItemColumns(with extra: String) -> String {
        """
        SELECT \(extra) item.id, feed.url AS feed_url, item.key, item.title, item.excerpt, item.link, item.canonical_link,
            coalesce(item.published, item.updated) AS published, item.first_seen, item.last_changed, item.story_id
        FROM item JOIN feed ON feed.id = item.feed_id
        """
    }

    /// Items not yet in a story (pruned ones aside), in the order Newsdesk first saw them: the
    /// first `limit` of them.
    public func unassignedItems(limit: Int = .max) throws(StoreError) -> [StoryItem] {
        try read("reading new items") { db in
            try db.records(
                StoryItem.self,
                Self.storyItemColumns + " WHERE item.story_id IS NULL AND item.pruned = 0 ORDER BY item.first_seen, item.id LIMIT ?",
                [limit])
        }
    }

    /// Items already in a story and first seen since `since`: what clustering compares new items to.
    public func assignedItems(since: Date) throws(StoreError) -> [StoryItem] {
        try read("reading recent items") { db in
            try db.records(
                StoryItem.self,
                Self.storyItemColumns + " WHERE item.story_id IS NOT NULL AND item.first_seen >= ? ORDER BY item.first_seen, item.id",
                [since.timeIntervalSince1970])
        }
    }

    /// Records the stories of newly clustered items, creating stories as needed, in one transaction;
    /// then brings those stories' coverage and update times up to date with their items.
    /// `merges` move every item of one story into another and drop the emptied story.
    /// `folded` items' vectors are marked as placed with them.
    public func assign(
        _ assignments: [(itemID: Int64, storyID: String, firstSeen: Date)], merges: [(from: String, into: String)] = [],
        folded: [Int64] = []
    ) throws(StoreError) {
        try write("storing stories") { db in
            if !folded.isEmpty {
                let ids = try Self.jsonArray(folded)
                try db.execute("UPDATE embedding SET folded = 1 WHERE item_id IN \(db.dialect.list(of: .integer))", [ids])
            }
            for merge in merges {
                try db.execute("UPDATE item SET story_id = ? WHERE story_id = ?", [merge.into, merge.from])
                try db.execute("DELETE FROM story WHERE id = ?", [merge.from])
            }
            // Setting one column of a row the item store owns: a statement, not a whole record.
            for (itemID, storyID, firstSeen) in assignments {
                let story = StoryRecord(id: storyID, firstSeen: firstSeen, lastCoverage: firstSeen, lastUpdated: firstSeen)
                try story.insertIfAbsent(db)
                try db.execute("UPDATE item SET story_id = ? WHERE id = ?", [storyID, itemID])
            }
            // The stories that got items (an item updated in place moves its story's
            // last_updated where it is stored, in `record`).
            let touched = Set(assignments.map(\.storyID) + merges.map(\.into))
            // Aggregates of the stories' items, computed where they are.
            for story in touched {
                try db.execute(
                    """
                    UPDATE story SET
                        first_seen = (SELECT min(first_seen) FROM item WHERE item.story_id = story.id),
                        last_coverage = (SELECT max(first_seen) FROM item WHERE item.story_id = story.id),
                        last_updated = (SELECT max(last_changed) FROM item WHERE item.story_id = story.id)
                    WHERE id = ?
                    """,
                    [story])
            }
        }
    }

    /// The stories with new coverage (an item first seen) in `from..<to`, as they stood at `to`:
    /// per story, one entry per feed that carries it (its earliest item's title, link and
    /// excerpt; the feed's first sight of the story; its newest claimed date; its last change).
    /// One row per story and feed, not per item, so a window of 200,000 items stays small.
    /// With `feedURLs`, only the items of those feeds count (a feed removed from the config
    /// leaves the rankings while its items stay stored).
    public func storiesWithCoverage(
        from: Date, to: Date = .distantFuture, feedURLs: [String]? = nil
    ) throws(StoreError) -> [(id: String, firstSeen: Date, lastUpdated: Date, items: [StoryItem])] {
        try read("reading stories") { db in
            let urls = try feedURLs.map { try Self.jsonArray($0) }
            let ofFeeds = urls == nil ? "" : " AND feed_id IN (SELECT id FROM feed WHERE url IN \(db.dialect.list(of: .text)))"
            let feedArgument: [(any DatabaseValueConvertible)?] = urls.map { [$0] } ?? []
            let range: [(any DatabaseValueConvertible)?] = [from.timeIntervalSince1970, to.timeIntervalSince1970]
            let ids = try db.values(
                String.self,
                """
                SELECT DISTINCT story_id FROM item
                WHERE story_id IS NOT NULL AND pruned = 0 AND first_seen >= ? AND first_seen < ?\(ofFeeds) ORDER BY story_id
                """, range + feedArgument)
            guard !ids.isEmpty else { return [] }
            let idList = try Self.jsonArray(ids)
            // One row per story and feed: aggregates, decoded as such (``CoverageGroup``).
            let groups = try db.records(
                CoverageGroup.self,
                """
                SELECT story_id, feed_id, min(id) AS first_id, min(first_seen) AS first_seen,
                    max(coalesce(published, updated)) AS published, max(last_changed) AS last_changed
                FROM item
                WHERE story_id IN \(db.dialect.list(of: .text)) AND first_seen < ? AND pruned = 0\(ofFeeds)
                GROUP BY story_id, feed_id
                """,
                [idList, to.timeIntervalSince1970] + feedArgument)
            // The earliest item of each (story, feed): what the story shows of that source.
            let firstIDs = try Self.jsonArray(groups.map(\.firstID))
            var firsts: [Int64: StoryItem] = [:]
            try db.forEachRow(Self.storyItemColumns + " WHERE item.id IN \(db.dialect.list(of: .integer))", [firstIDs]) { row in
                let item = try StoryItem(row: row)
                firsts[item.id] = item
            }
            var items: [String: [StoryItem]] = [:]
            for group in groups.sorted(by: { ($0.firstSeen, $0.firstID) < ($1.firstSeen, $1.firstID) }) {
                guard var item = firsts[group.firstID] else { continue }
                item.firstSeen = group.firstSeen
                item.published = group.published
                item.lastChanged = group.lastChanged
                items[group.story, default: []].append(item)
            }
            return ids.compactMap { id in
                guard let list = items[id], let first = list.map(\.firstSeen).min(), let last = list.map(\.lastChanged).max() else {
                    return nil
                }
                return (id, first, min(last, to), list)
            }
        }
    }

    /// Every stored feed by config URL, in one query.
    public func feedsByURL() throws(StoreError) -> [String: FeedRecord] {
        try read("reading feeds") { db in
            var records: [String: FeedRecord] = [:]
            try db.forEachRow("SELECT * FROM feed", []) { row in
                let record = try FeedRecord(row: row)
                records[record.url] = record
            }
            return records
        }
    }

    /// When Newsdesk first stored an item, if it ever did.
    public func firstItemSeen() throws(StoreError) -> Date? {
        try read("reading items") { db in
            try db.value(Double.self, "SELECT min(first_seen) FROM item").map(Date.init(timeIntervalSince1970:))
        }
    }

    /// Whether the period starting at `start` has been published.
    public func isPublished(periodStart start: Date) throws(StoreError) -> Bool {
        try read("reading published periods") { db in
            try db.value(Bool.self, "SELECT 1 FROM published WHERE period_start = ?", [start.timeIntervalSince1970]) ?? false
        }
    }

    /// Records that a period's archive and digest are written, for good.
    public func markPublished(periodStart start: Date, end: Date, at now: Date) throws(StoreError) {
        try write("recording a published period") { db in
            try db.insert(PublishedPeriod(start: start, end: end, publishedAt: now), ignoringConflicts: true)
        }
    }

    /// The starts of the published periods before `before`, newest first.
    public func publishedPeriods(before: Date, limit: Int = 1) throws(StoreError) -> [Date] {
        try read("reading published periods") { db in
            try db.values(
                Double.self, "SELECT period_start FROM published WHERE period_start < ? ORDER BY period_start DESC LIMIT ?",
                [before.timeIntervalSince1970, limit]
            ).map(Date.init(timeIntervalSince1970:))
        }
    }

    /// A number that changes when another connection (another process) commits: SQLite's
    /// `data_version` on the writing connection, never moved by this store's own writes. On
    /// PostgreSQL, where other daemons write all the time, it is new at every call: what was
    /// read before is never taken as current.
    public func dataVersion() throws(StoreError) -> Int {
        if case .postgresql = database { return Self.postgresVersion.wrappingAdd(1, ordering: .relaxed).newValue }
        return try write("reading the data version") { db in try db.value(Int.self, "PRAGMA data_version") ?? 0 }
    }

    private static let postgresVersion = Atomic<Int>(0)
}

/// Story items are read from ``StateStore/storyItemColumns``: a column per property, named by
/// `CodingKeys`; times in seconds since 1970 (``StateRecord``).
extension StoryItem: Decodable, FetchableRecord, StateRecord {
    enum CodingKeys: String, CodingKey {
        case id, key, title, excerpt, link, published
        case feedURL = "feed_url"
        case canonicalLink = "canonical_link"
        case firstSeen = "first_seen"
        case lastChanged = "last_changed"
        case storyID = "story_id"
    }
}

/// One row of `story`. Its times are kept up to date with its items by SQL aggregates
/// (``StateStore/assign(_:merges:folded:)``); a record only creates it.
struct StoryRecord: Encodable, PersistableRecord, StateRecord {
    static let databaseTableName = "story"
    var id: String
    var firstSeen: Date
    var lastCoverage: Date
    var lastUpdated: Date

    enum CodingKeys: String, CodingKey {
        case id
        case firstSeen = "first_seen"
        case lastCoverage = "last_coverage"
        case lastUpdated = "last_updated"
    }

    /// The story's row unless it has one, through one statement written once: the fold does
    /// this for every item it places, and the generic insert (encoding the record into a
    /// container, then building the INSERT from its keys) cost as much again as the rest of
    /// storing the placements. Times are seconds since 1970, as ``StateRecord`` writes them.
    func insertIfAbsent(_ db: any StateSQL) throws {
        try db.execute(
            "INSERT INTO story (id, first_seen, last_coverage, last_updated) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [id, firstSeen.timeIntervalSince1970, lastCoverage.timeIntervalSince1970, lastUpdated.timeIntervalSince1970])
    }
}

/// One row of `published`: a period whose archive and digest are written.
struct PublishedPeriod: Encodable, PersistableRecord, StateRecord {
    static let databaseTableName = "published"
    var start: Date
    var end: Date
    var publishedAt: Date

    enum CodingKeys: String, CodingKey {
        case start = "period_start"
        case end = "period_end"
        case publishedAt = "published_at"
    }
}

/// The items of one story and one feed, summed up (``StateStore/storiesWithCoverage(from:to:feedURLs:)``).
private struct CoverageGroup: Decodable, FetchableRecord, StateRecord {
    var story: String
    var feed: Int64
    var firstID: Int64
    var firstSeen: Date
    var published: Date?
    var lastChanged: Date

    enum CodingKeys: String, CodingKey {
        case published
        case story = "story_id"
        case feed = "feed_id"
        case firstID = "first_id"
        case firstSeen = "first_seen"
        case lastChanged = "last_changed"
    }
}
