import Foundation
import GRDB
import NewsdeskConfig

extension StateStore {
    /// Makes sure every feed of the config has a row, and returns the rows in config order.
    /// A `file:` feed follows its config path (the folder may have moved); an http(s) feed keeps
    /// its stored fetch URL, which may have moved after permanent redirects.
    @discardableResult
    public func syncFeeds(_ feeds: [FeedConfig]) throws(StoreError) -> [FeedRecord] {
        try write("registering feeds") { db in
            // A new feed is only its identity: every other column takes the schema's default
            // (a record would write its own, `next_due` among them).
            let insert = try db.cachedStatement(sql: "INSERT INTO feed (url, fetch_url) VALUES (?, ?) ON CONFLICT(url) DO NOTHING")
            let follow = try db.cachedStatement(sql: "UPDATE feed SET fetch_url = ? WHERE url = ?")
            for feed in feeds {
                try insert.execute(arguments: [feed.url, feed.fetchURL])
                if feed.fetchURL.hasPrefix("file:") { try follow.execute(arguments: [feed.fetchURL, feed.url]) }
            }
            let byURL = Dictionary(try FeedRecord.fetchAll(db).map { ($0.url, $0) }, uniquingKeysWith: { first, _ in first })
            return feeds.compactMap { byURL[$0.url] }
        }
    }

    /// The earliest time one of `feeds` is due (gone ones aside), nil when none will be. With
    /// `now`, a `next_due` later than `now + horizon` (no rule waits that long: the clock ran
    /// ahead when it was stored) counts as due now; the poller then resets it
    /// (``repairFutureTimes(now:horizon:)``).
    public func nextDue(_ feeds: [FeedConfig], now: Date? = nil, horizon: TimeInterval = .infinity) throws(StoreError) -> Date? {
        try read("reading the schedule") { db in
            let urls = try Self.jsonArray(feeds.map(\.url))
            let present = now?.timeIntervalSince1970 ?? .infinity
            return try Double.fetchOne(
                db,
                sql: """
                    SELECT min(CASE WHEN next_due > ?2 + ?3 THEN ?2 ELSE next_due END) FROM feed
                    WHERE state != 'gone' AND url IN (SELECT value FROM json_each(?1))
                    """,
                arguments: [urls, present, horizon]
            ).map(Date.init(timeIntervalSince1970:))
        }
    }

    /// The stored state of the feed with config URL `url`.
    public func feed(url: String) throws(StoreError) -> FeedRecord? {
        try read("reading a feed") { db in
            try FeedRecord.filter(FeedRecord.CodingKeys.url == url).fetchOne(db)
        }
    }

    /// Item counts per feed id: all stored (not pruned) and first seen since `since`.
    public func itemCounts(since: Date) throws(StoreError) -> [Int64: (total: Int, recent: Int)] {
        try read("counting items") { db in
            // Aggregates per feed, not records: one grouped query.
            var counts: [Int64: (Int, Int)] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql: "SELECT feed_id, count(*) AS total, sum(first_seen >= ?) AS recent FROM item WHERE pruned = 0 GROUP BY feed_id",
                arguments: [since.timeIntervalSince1970])
            while let row = try rows.next() {
                counts[row["feed_id"]] = (row["total"], row["recent"] ?? 0)
            }
            return counts
        }
    }
}
