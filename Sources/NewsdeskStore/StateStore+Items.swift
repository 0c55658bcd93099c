import Foundation
import GRDB
import NewsdeskBase
import NewsdeskParse

/// An item as stored: the normalized fields of its latest version plus when Newsdesk saw it.
public struct StoredItem: Sendable, Equatable {
    public var id: Int64
    public var feedID: Int64
    public var key: String
    public var guid: String?
    public var title: String?
    public var link: String?
    public var canonicalLink: String?
    public var summary: String?
    public var excerpt: String?
    public var authors: [String]
    public var categories: [String]
    public var published: Date?
    public var updated: Date?
    public var firstSeen: Date
    public var lastChanged: Date
    /// Pruned by retention: the text is gone, the key stays so the item never comes back as new.
    public var pruned: Bool
}

/// What storing one fetch changed.
public struct StoreOutcome: Sendable, Equatable {
    public var new = 0
    public var updated = 0
    /// Items evicted earlier that came back (by their date or their key's hash), not stored:
    /// see ``StateStore/record(_:now:maxItemsPerFeed:)``.
    public var ignored = 0
    /// Items deleted, key and all, to keep the feed within `max_items_per_feed`.
    public var evicted = 0
}

extension StateStore {
    /// Stores the results of several fetches in one transaction, in order.
    ///
    /// Each feed keeps at most `maxItemsPerFeed` items (`max_items_per_feed`), pruned ones
    /// included, since a pruned item's key is still a row: beyond it the oldest are deleted,
    /// text and key, and their stories with them when emptied (their vectors go by the
    /// foreign key's cascade). An item's age is its claimed date (published, else updated),
    /// never later than when Newsdesk first saw it; undated items are as old as their first
    /// sight.
    ///
    /// Evicted items stay gone, though deleting a key forgets the item. Two things remember
    /// them, both bounded however long a feed churns:
    /// - a watermark per feed, the newest age among the items it ever evicted
    ///   (`feed.evicted_through`). Every item kept is that old or newer, so an unknown item whose
    ///   age (its claimed date, or now) is at or before the watermark was evicted, or is older
    ///   than everything kept: it is ignored (``StoreOutcome/ignored``), never stored as new. The
    ///   price: a genuinely new item claiming a date older than the watermark is not taken either.
    /// - the 64-bit hashes of the last `maxItemsPerFeed` keys evicted (`evicted_key`), for what
    ///   the watermark cannot see: an undated item is as old as now when it comes back. An
    ///   undated item evicted longer ago than the feed's last `maxItemsPerFeed` evictions would
    ///   be new again; dated ones never are.
    ///
    /// Items are cleaned by `boilerplate` first (see ``BoilerplateFilter``), with the feed's
    /// stored evidence: what is stored, folded and published is the cleaned text.
    public func record(
        _ batch: [(FeedRecord, [FeedItem]?)], now: Date, maxItemsPerFeed: Int = .max,
        boilerplate: BoilerplateFilter? = BoilerplateFilter()
    ) throws(StoreError) -> [StoreOutcome] {
        try write("storing \(batch.count) feeds") { db in
            try batch.map { feed, items in
                try Self.record(feed, items: items, now: now, maxItems: maxItemsPerFeed, boilerplate: boilerplate, in: db)
            }
        }
    }

    /// Per feed id, its items dated in `since...until`; feeds none of whose items has a date
    /// are absent. One query for a whole cycle.
    public func datedPosts(since: Date, until: Date) throws(StoreError) -> [Int64: Int] {
        try read("counting posts") { db in
            // Aggregates per feed, not records: one grouped query.
            var counts: [Int64: Int] = [:]
            try db.forEachRow(
                """
                SELECT feed_id, sum(CASE WHEN published BETWEEN ? AND ? THEN 1 ELSE 0 END) AS recent FROM item
                WHERE published IS NOT NULL GROUP BY feed_id
                """,
                [since.timeIntervalSince1970, until.timeIntervalSince1970]
            ) { row in counts[row["feed_id"]] = row["recent"] ?? 0 }
            return counts
        }
    }

    /// Stores a fetch's result in one transaction: the feed's new state and, when the fetch
    /// brought a feed, its items (new ones inserted, changed ones updated in place).
    @discardableResult
    public func record(
        _ feed: FeedRecord, items: [FeedItem]? = nil, now: Date, maxItemsPerFeed: Int = .max,
        boilerplate: BoilerplateFilter? = BoilerplateFilter()
    ) throws(StoreError) -> StoreOutcome {
        try write("storing \(feed.url)") { db in
            try Self.record(feed, items: items, now: now, maxItems: maxItemsPerFeed, boilerplate: boilerplate, in: db)
        }
    }

    private static func record(
        _ feed: FeedRecord, items: [FeedItem]?, now: Date, maxItems: Int, boilerplate: BoilerplateFilter?, in db: any StateSQL
    ) throws -> StoreOutcome {
        var feed = feed
        var outcome = StoreOutcome()
        if let items {
            let (keys, mode) = ItemKey.keys(for: items, mode: feed.keyMode)
            feed.keyMode = mode
            let watermark = try db.value(Double.self, "SELECT evicted_through FROM feed WHERE id = ?", [feed.id])
            let cleaned = try boilerplate.map {
                try Self.removeBoilerplate(items, keys: keys, feedID: feed.id, filter: $0, now: now, in: db)
            }
            var seen = Set<String>()
            var inserted: [Int64] = []
            for (index, key) in keys.enumerated() where seen.insert(key).inserted {
                let item = cleaned?.items[index] ?? items[index]
                let blocks = cleaned.map { Self.blob(Array($0.hashes[index].prefix(64))) }
                let change = try Self.upsert(item, key: key, blocks: blocks, feedID: feed.id, now: now, watermark: watermark, in: db)
                switch change {
                case .new(let id): inserted.append(id)
                case .updated: outcome.updated += 1
                case .ignored: outcome.ignored += 1
                case .unchanged: break
                }
                if let cleaned, change != .unchanged, change != .ignored {
                    try Self.countRemoved(blocks: cleaned.removedBlocks[index], bytes: cleaned.removedBytes[index], feedID: feed.id, in: db)
                }
            }
            let evicted = try Self.evict(feedID: feed.id, keeping: maxItems, sparing: seen, in: db)
            outcome.evicted = evicted.count
            // An item evicted as soon as it came (older than all the feed keeps) was never news.
            outcome.new = inserted.count - inserted.filter(evicted.contains).count
        }
        // The fetch is stored: its lease ends (StateStore+Leases.swift).
        try db.update(feed, columns: FeedRecord.polledColumns, id: feed.id, also: "lease_owner = NULL, lease_until = NULL")
        return outcome
    }

    private enum Change: Equatable {
        case new(Int64)
        case updated, unchanged, ignored
    }

    /// An item's age for eviction: its claimed date, never later than `now` (its first sight).
    static func ageSQL(_ dialect: SQLDialect) -> String { dialect.least("coalesce(published, updated, first_seen)", "first_seen") }

    /// Deletes the oldest items of a feed beyond `limit` (see ``record(_:now:maxItemsPerFeed:)``),
    /// the stories they leave empty, and raises the feed's watermark to the newest age deleted.
    /// The items of the document just stored (`sparing`, their keys) are never among them: an
    /// old item the feed still carries (a pinned post) stays. Returns the ids deleted.
    private static func evict(feedID: Int64, keeping limit: Int, sparing current: Set<String>, in db: any StateSQL) throws -> Set<Int64> {
        let count = try db.value(Int.self, "SELECT count(*) FROM item WHERE feed_id = ?", [feedID]) ?? 0
        guard count > limit else { return [] }
        let spared = try Self.jsonArray(current.sorted())
        let candidates = try db.records(
            EvictionCandidate.self,
            """
            SELECT id, key, story_id, \(ageSQL(db.dialect)) AS age FROM item
            WHERE feed_id = ? AND key NOT IN \(db.dialect.list(of: .text)) ORDER BY age, id LIMIT ?
            """,
            [feedID, spared, count - limit])
        let ids = candidates.map(\.id)
        for candidate in candidates { try db.insert(EvictedKey(feedID: feedID, hash: keyHash(candidate.key))) }
        // Bulk statements from here: they touch rows by the set, not one record at a time.
        try db.execute(
            """
            DELETE FROM evicted_key WHERE feed_id = ?1
                AND id <= (SELECT id FROM evicted_key WHERE feed_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)
            """,
            [feedID, limit])
        let stories = Set(candidates.compactMap(\.storyID))
        let idList = try Self.jsonArray(ids)
        try db.execute("DELETE FROM item WHERE id IN \(db.dialect.list(of: .integer))", [idList])
        if !stories.isEmpty {
            let storyList = try Self.jsonArray(stories.sorted())
            try db.execute(
                """
                DELETE FROM story WHERE id IN \(db.dialect.list(of: .text))
                    AND NOT EXISTS (SELECT 1 FROM item WHERE item.story_id = story.id)
                """,
                [storyList])
        }
        let newest = candidates.compactMap(\.age).max() ?? 0
        try db.execute(
            "UPDATE feed SET evicted_through = \(db.dialect.greatest("coalesce(evicted_through, ?1)", "?1")) WHERE id = ?2",
            [newest, feedID])
        return Set(ids)
    }

    /// An item that may be evicted, oldest first; `age` as ``ageSQL(_:)`` computes it.
    private struct EvictionCandidate: Decodable, FetchableRecord {
        var id: Int64
        var key: String
        var storyID: String?
        var age: Double?

        enum CodingKeys: String, CodingKey {
            case id, key, age
            case storyID = "story_id"
        }
    }

    /// A hash of an evicted key (``keyHash(_:)``), one row of `evicted_key`.
    private struct EvictedKey: Encodable, PersistableRecord {
        static let databaseTableName = "evicted_key"
        var feedID: Int64
        var hash: Int64

        enum CodingKeys: String, CodingKey {
            case hash
            case feedID = "feed_id"
        }
    }

    /// A key as `evicted_key` stores it.
    private static func keyHash(_ key: String) -> Int64 { Int64(bitPattern: ContentHash.value(key.utf8)) }

    /// Whether an item not stored under any key was evicted before (see ``record(_:now:maxItemsPerFeed:)``).
    private static func wasEvicted(
        _ item: FeedItem, key: String, feedID: Int64, now: Date, watermark: Double?, in db: any StateSQL
    ) throws -> Bool {
        guard let watermark else { return false }  // never evicted anything
        if min((item.published ?? item.updated ?? now).timeIntervalSince1970, now.timeIntervalSince1970) <= watermark { return true }
        return try db.value(Bool.self, "SELECT 1 FROM evicted_key WHERE feed_id = ? AND hash = ?", [feedID, keyHash(key)]) ?? false
    }

    /// What deciding whether an item changed needs of its stored row.
    private struct StoredVersion: Decodable, FetchableRecord {
        var id: Int64
        var hash: String
        var pruned: Bool
    }

    private static func upsert(
        _ item: FeedItem, key: String, blocks: Data?, feedID: Int64, now: Date, watermark: Double?, in db: any StateSQL
    ) throws -> Change {
        let enclosures = ItemRecord.enclosures(item.enclosures)
        var record = ItemRecord(
            item, feedID: feedID, key: key, enclosures: enclosures, hash: fingerprint(item, enclosures: enclosures), blocks: blocks,
            now: now)
        var existing = try db.record(StoredVersion.self, "SELECT id, hash, pruned FROM item WHERE feed_id = ? AND key = ?", [feedID, key])
        if existing == nil, !key.hasPrefix("g:") {
            // The feed fell back from guids to links (or to hashes): an item stored under its old
            // key is found by what the new key is made of, and takes the new key.
            existing =
                key.hasPrefix("l:")
                ? try db.record(
                    StoredVersion.self, "SELECT id, hash, pruned FROM item WHERE feed_id = ? AND canonical_link = ? AND key NOT LIKE 'l:%'",
                    [feedID, record.canonicalLink])
                : try db.record(
                    StoredVersion.self,
                    """
                    SELECT id, hash, pruned FROM item
                    WHERE feed_id = ? AND title IS NOT DISTINCT FROM ? AND published IS NOT DISTINCT FROM ? AND key NOT LIKE 'h:%'
                    """,
                    [feedID, item.title, item.published?.timeIntervalSince1970])
            if let found = existing { try db.execute("UPDATE item SET key = ? WHERE id = ?", [key, found.id]) }
        }
        if let existing {
            // A pruned item stays pruned; an unchanged one is left alone.
            if existing.pruned { return .unchanged }
            if existing.hash == record.hash {
                // The evidence is kept as the feed gives it now (the cleaned text may not move);
                // a conditional statement, so an unchanged row is not written at all.
                try db.execute("UPDATE item SET blocks = ?1 WHERE id = ?2 AND blocks IS DISTINCT FROM ?1", [blocks, existing.id])
                return .unchanged
            }
            record.id = existing.id
            try db.update(record, columns: ItemRecord.changedColumns, id: existing.id)
            // A corrected article is news for its story (if it has one yet).
            try db.execute(
                "UPDATE story SET last_updated = \(db.dialect.greatest("last_updated", "?")) WHERE id = (SELECT story_id FROM item WHERE id = ?)",
                [now.timeIntervalSince1970, existing.id])
            return .updated
        }
        if try wasEvicted(item, key: key, feedID: feedID, now: now, watermark: watermark, in: db) { return .ignored }
        return .new(try record.insertNew(db))
    }

    /// What decides whether an item changed: every field a reader sees.
    private static func fingerprint(_ item: FeedItem, enclosures: String?) -> String {
        var text = [item.title, item.link, item.summary, item.content].map { $0 ?? "\u{0}" }.joined(separator: "\u{1F}")
        text += "\u{1F}" + [item.published, item.updated].map { $0.map(FeedDate.rfc3339) ?? "" }.joined(separator: "\u{1F}")
        text += "\u{1F}" + item.authors.joined(separator: "\u{1E}") + "\u{1F}" + item.categories.joined(separator: "\u{1E}")
        text += "\u{1F}" + (enclosures ?? "")
        return ContentHash.hex(text.utf8)
    }

    /// Drops the text of items first seen and last changed before `cutoff`, keeping their keys
    /// (which `max_items_per_feed` bounds: see ``record(_:now:maxItemsPerFeed:)``).
    @discardableResult
    public func prune(before cutoff: Date) throws(StoreError) -> Int {
        try write("pruning old items") { db in
            // One statement for every item past the cutoff: no record is read to be cleared.
            let pruned = try db.execute(
                """
                UPDATE item SET pruned = 1, title = NULL, summary = NULL, content = NULL, excerpt = NULL, authors = NULL,
                    categories = NULL, enclosures = NULL, blocks = NULL
                WHERE pruned = 0 AND last_changed < ?
                """,
                [cutoff.timeIntervalSince1970])
            if pruned > 0 {
                try db.execute("DELETE FROM embedding WHERE item_id IN (SELECT id FROM item WHERE pruned = 1)", [])
            }
            return pruned
        }
    }

    /// The items of one feed (by config URL), oldest first.
    public func items(feedURL: String) throws(StoreError) -> [StoredItem] {
        try read("reading items") { db in
            try db.records(
                ItemRecord.self, "SELECT item.* FROM item JOIN feed ON feed.id = item.feed_id WHERE feed.url = ? ORDER BY item.id",
                [feedURL]
            ).map(StoredItem.init)
        }
    }
}
