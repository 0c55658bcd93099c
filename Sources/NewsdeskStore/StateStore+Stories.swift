import Foundation
import GRDB

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
            try Row.fetchAll(
                db,
                sql: Self.storyItemColumns
                    + " WHERE item.story_id IS NULL AND item.pruned = 0 ORDER BY item.first_seen, item.id LIMIT ?",
                arguments: [limit == .max ? -1 : limit]
            ).map(StoryItem.init(row:))
        }
    }

    /// Items already in a story and first seen since `since`: what clustering compares new items to.
    public func assignedItems(since: Date) throws(StoreError) -> [StoryItem] {
        try read("reading recent items") { db in
            try Row.fetchAll(
                db,
                sql: Self.storyItemColumns + " WHERE item.story_id IS NOT NULL AND item.first_seen >= ? ORDER BY item.first_seen, item.id",
                arguments: [since.timeIntervalSince1970]
            ).map(StoryItem.init(row:))
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
                try db.execute(sql: "UPDATE embedding SET folded = 1 WHERE item_id IN (SELECT value FROM json_each(?))", arguments: [ids])
            }
            for merge in merges {
                try db.execute(sql: "UPDATE item SET story_id = ? WHERE story_id = ?", arguments: [merge.into, merge.from])
                try db.execute(sql: "DELETE FROM story WHERE id = ?", arguments: [merge.from])
            }
            let create = try db.cachedStatement(
                sql: "INSERT INTO story (id, first_seen, last_coverage, last_updated) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING")
            let link = try db.cachedStatement(sql: "UPDATE item SET story_id = ? WHERE id = ?")
            for (itemID, storyID, firstSeen) in assignments {
                let seen = firstSeen.timeIntervalSince1970
                try create.execute(arguments: [storyID, seen, seen, seen])
                try link.execute(arguments: [storyID, itemID])
            }
            // The stories that got items (an item updated in place moves its story's
            // last_updated where it is stored, in `record`).
            let touched = Set(assignments.map(\.storyID) + merges.map(\.into))
            let refresh = try db.cachedStatement(
                sql: """
                    UPDATE story SET
                        first_seen = (SELECT min(first_seen) FROM item WHERE item.story_id = story.id),
                        last_coverage = (SELECT max(first_seen) FROM item WHERE item.story_id = story.id),
                        last_updated = (SELECT max(last_changed) FROM item WHERE item.story_id = story.id)
                    WHERE id = ?
                    """)
            for story in touched { try refresh.execute(arguments: [story]) }
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
            let ofFeeds = urls == nil ? "" : " AND feed_id IN (SELECT id FROM feed WHERE url IN (SELECT value FROM json_each(?)))"
            let feedArgument: StatementArguments = urls.map { [$0] } ?? []
            let range: StatementArguments = [from.timeIntervalSince1970, to.timeIntervalSince1970]
            let ids = try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT story_id FROM item
                    WHERE story_id IS NOT NULL AND pruned = 0 AND first_seen >= ? AND first_seen < ?\(ofFeeds) ORDER BY story_id
                    """, arguments: range + feedArgument)
            guard !ids.isEmpty else { return [] }
            let idList = try Self.jsonArray(ids)
            var groups: [(story: String, feed: Int64, firstID: Int64, firstSeen: Double, published: Double?, changed: Double)] = []
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT story_id, feed_id, min(id) AS first_id, min(first_seen) AS first_seen,
                        max(coalesce(published, updated)) AS published, max(last_changed) AS last_changed
                    FROM item
                    WHERE story_id IN (SELECT value FROM json_each(?)) AND first_seen < ? AND pruned = 0\(ofFeeds)
                    GROUP BY story_id, feed_id
                    """,
                arguments: [idList, to.timeIntervalSince1970] + feedArgument)
            while let row = try rows.next() {
                groups.append((row["story_id"], row["feed_id"], row["first_id"], row["first_seen"], row["published"], row["last_changed"]))
            }
            // The earliest item of each (story, feed): what the story shows of that source.
            let firstIDs = try Self.jsonArray(groups.map(\.firstID))
            var firsts: [Int64: StoryItem] = [:]
            let itemRows = try Row.fetchCursor(
                db, sql: Self.storyItemColumns + " WHERE item.id IN (SELECT value FROM json_each(?))", arguments: [firstIDs])
            while let row = try itemRows.next() {
                let item = StoryItem(row: row)
                firsts[item.id] = item
            }
            var items: [String: [StoryItem]] = [:]
            for group in groups.sorted(by: { ($0.firstSeen, $0.firstID) < ($1.firstSeen, $1.firstID) }) {
                guard var item = firsts[group.firstID] else { continue }
                item.firstSeen = Date(timeIntervalSince1970: group.firstSeen)
                item.published = group.published.map(Date.init(timeIntervalSince1970:))
                item.lastChanged = Date(timeIntervalSince1970: group.changed)
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
            let feeds = try FeedRecord.fetchCursor(db)
            while let record = try feeds.next() { records[record.url] = record }
            return records
        }
    }

    /// When Newsdesk first stored an item, if it ever did.
    public func firstItemSeen() throws(StoreError) -> Date? {
        try read("reading items") { db in
            try Double.fetchOne(db, sql: "SELECT min(first_seen) FROM item").map(Date.init(timeIntervalSince1970:))
        }
    }

    /// Whether the period starting at `start` has been published.
    public func isPublished(periodStart start: Date) throws(StoreError) -> Bool {
        try read("reading published periods") { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM published WHERE period_start = ?", arguments: [start.timeIntervalSince1970]) ?? false
        }
    }

    /// Records that a period's archive and digest are written, for good.
    public func markPublished(periodStart start: Date, end: Date, at now: Date) throws(StoreError) {
        try write("recording a published period") { db in
            try db.execute(
                sql: "INSERT INTO published (period_start, period_end, published_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [start.timeIntervalSince1970, end.timeIntervalSince1970, now.timeIntervalSince1970])
        }
    }

    /// The starts of the published periods before `before`, newest first.
    public func publishedPeriods(before: Date, limit: Int = 1) throws(StoreError) -> [Date] {
        try read("reading published periods") { db in
            try Double.fetchAll(
                db, sql: "SELECT period_start FROM published WHERE period_start < ? ORDER BY period_start DESC LIMIT ?",
                arguments: [before.timeIntervalSince1970, limit]
            ).map(Date.init(timeIntervalSince1970:))
        }
    }

    /// SQLite's `data_version` on the writing connection: it changes when another connection
    /// (another process) commits, never for this store's own writes.
    public func dataVersion() throws(StoreError) -> Int {
        try write("reading the data version") { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }
}

extension StoryItem {
    init(row: Row) {
        id = row["id"]
        feedURL = row["feed_url"]
        key = row["key"]
        title = row["title"]
        excerpt = row["excerpt"]
        link = row["link"]
        canonicalLink = row["canonical_link"]
        published = (row["published"] as Double?).map(Date.init(timeIntervalSince1970:))
        firstSeen = Date(timeIntervalSince1970: row["first_seen"])
        lastChanged = Date(timeIntervalSince1970: row["last_changed"])
        storyID = row["story_id"]
    }
}
