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
            // Rows are written only where something changes: on a shared state an upsert of every
            // feed would lock each row (PostgreSQL locks a conflicting row even when its update
            // is skipped), holding up the daemons already fetching for the whole transaction.
            var hosts: [String: String] = [:]
            try db.forEachRow("SELECT url, host FROM feed", []) { row in
                let host: String? = row["host"]
                hosts[row["url"]] = host ?? ""
            }
            for feed in feeds {
                // The host decides which daemon may fetch it (StateStore+Leases.swift): its name and
                // port, as libcurl's `per_host` counts connections; a file has none.
                let host = Self.host(of: feed.fetchURL)
                if let stored = hosts[feed.url] {
                    if stored != host ?? "" { try db.execute("UPDATE feed SET host = ? WHERE url = ?", [host, feed.url]) }
                } else {
                    // A new feed is only its identity: every other column takes the schema's
                    // default (a record would write its own, `next_due` among them).
                    try db.execute(
                        "INSERT INTO feed (url, fetch_url, host) VALUES (?1, ?2, ?3) ON CONFLICT(url) DO NOTHING",
                        [feed.url, feed.fetchURL, host])
                }
                if feed.fetchURL.hasPrefix("file:") {
                    try db.execute("UPDATE feed SET fetch_url = ? WHERE url = ?", [feed.fetchURL, feed.url])
                }
            }
            let byURL = Dictionary(
                try db.records(FeedRecord.self, "SELECT * FROM feed", []).map { ($0.url, $0) }, uniquingKeysWith: { first, _ in first })
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
            return try db.value(
                Double.self,
                """
                SELECT min(CASE WHEN next_due > ?2 + ?3 THEN ?2 ELSE next_due END) FROM feed
                WHERE state != 'gone' AND url IN \(db.dialect.list("?1", of: .text))
                """,
                [urls, present, horizon]
            ).map(Date.init(timeIntervalSince1970:))
        }
    }

    /// The stored state of the feed with config URL `url`.
    public func feed(url: String) throws(StoreError) -> FeedRecord? {
        try read("reading a feed") { db in
            try db.record(FeedRecord.self, "SELECT * FROM feed WHERE url = ?", [url])
        }
    }

    /// Item counts per feed id: all stored (not pruned) and first seen since `since`.
    public func itemCounts(since: Date) throws(StoreError) -> [Int64: (total: Int, recent: Int)] {
        try read("counting items") { db in
            // Aggregates per feed, not records: one grouped query.
            var counts: [Int64: (Int, Int)] = [:]
            try db.forEachRow(
                """
                SELECT feed_id, count(*) AS total, sum(CASE WHEN first_seen >= ? THEN 1 ELSE 0 END) AS recent FROM item
                WHERE pruned = 0 GROUP BY feed_id
                """,
                [since.timeIntervalSince1970]
            ) { row in counts[row["feed_id"]] = (row["total"], row["recent"] ?? 0) }
            return counts
        }
    }

    /// `name:port` of an http(s) URL (the port when it says one), nil for a file.
    static func host(of url: String) -> String? {
        guard let components = URLComponents(string: url), let name = components.host?.lowercased(), !name.isEmpty else { return nil }
        return components.port.map { "\(name):\($0)" } ?? name
    }
}
