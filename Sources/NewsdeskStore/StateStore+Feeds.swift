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
            let insert = try db.cachedStatement(sql: "INSERT INTO feed (url, fetch_url) VALUES (?, ?) ON CONFLICT(url) DO NOTHING")
            let follow = try db.cachedStatement(sql: "UPDATE feed SET fetch_url = ? WHERE url = ?")
            for feed in feeds {
                try insert.execute(arguments: [feed.url, feed.fetchURL])
                if feed.fetchURL.hasPrefix("file:") { try follow.execute(arguments: [feed.fetchURL, feed.url]) }
            }
            let byURL = Dictionary(
                try Row.fetchAll(db, sql: "SELECT * FROM feed").map { row in (row["url"] as String, FeedRecord(row: row)) },
                uniquingKeysWith: { first, _ in first })
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
            try Row.fetchOne(db, sql: "SELECT * FROM feed WHERE url = ?", arguments: [url]).map(FeedRecord.init(row:))
        }
    }

    /// Item counts per feed id: all stored (not pruned) and first seen since `since`.
    public func itemCounts(since: Date) throws(StoreError) -> [Int64: (total: Int, recent: Int)] {
        try read("counting items") { db in
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

    static func update(_ feed: FeedRecord, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                UPDATE feed SET fetch_url = ?, title = ?, site_link = ?, etag = ?, last_modified = ?, content_hash = ?,
                    state = ?, http_status = ?, error = ?, error_count = ?, next_due = ?, last_fetch = ?, last_success = ?,
                    last_full_fetch = ?, redirect_target = ?, redirect_count = ?, server_interval = ?, key_mode = ?,
                    dropped_items = ?
                WHERE id = ?
                """
        ).execute(
            arguments: [
                feed.fetchURL, feed.title, feed.siteLink, feed.etag, feed.lastModified, feed.contentHash,
                feed.state.rawValue, feed.httpStatus, feed.error, feed.errorCount, feed.nextDue.timeIntervalSince1970,
                feed.lastFetch?.timeIntervalSince1970, feed.lastSuccess?.timeIntervalSince1970,
                feed.lastFullFetch?.timeIntervalSince1970, feed.redirectTarget, feed.redirectCount, feed.serverInterval,
                feed.keyMode.rawValue, feed.droppedItems, feed.id,
            ])
    }
}

extension FeedRecord {
    init(row: Row) {
        self.init(id: row["id"], url: row["url"], fetchURL: row["fetch_url"])
        title = row["title"]
        siteLink = row["site_link"]
        etag = row["etag"]
        lastModified = row["last_modified"]
        contentHash = row["content_hash"]
        state = FeedState(rawValue: row["state"]) ?? .never
        httpStatus = row["http_status"]
        error = row["error"]
        errorCount = row["error_count"]
        nextDue = Date(timeIntervalSince1970: row["next_due"])
        lastFetch = (row["last_fetch"] as Double?).map(Date.init(timeIntervalSince1970:))
        lastSuccess = (row["last_success"] as Double?).map(Date.init(timeIntervalSince1970:))
        lastFullFetch = (row["last_full_fetch"] as Double?).map(Date.init(timeIntervalSince1970:))
        redirectTarget = row["redirect_target"]
        redirectCount = row["redirect_count"]
        serverInterval = row["server_interval"]
        keyMode = ItemKey.Mode(rawValue: row["key_mode"]) ?? .guid
        droppedItems = row["dropped_items"]
        evictedThrough = (row["evicted_through"] as Double?).map(Date.init(timeIntervalSince1970:))
    }
}
