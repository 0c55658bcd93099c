import Foundation
import GRDB

/// What the metrics file counts, read in one go.
public struct StateCounts: Sendable, Equatable {
    /// Feeds of the database by state (`ok`, `backoff`, ...), feeds no longer in the config left out.
    public var feedsByState: [String: Int] = [:]
    public var items = 0
    public var stories = 0
    /// When a period's archive was last written, if ever.
    public var lastPublished: Date?
}

extension StateStore {
    /// The counts of the metrics file for the feeds of `configured` (their config URLs).
    public func counts(configured: Set<String>) throws(StoreError) -> StateCounts {
        try read("counting for the metrics") { db in
            var counts = StateCounts()
            // Two columns counted, no record: the config decides which rows count.
            try db.forEachRow("SELECT url, state FROM feed", []) { row in
                if configured.contains(row["url"]) { counts.feedsByState[row["state"], default: 0] += 1 }
            }
            counts.items = try db.value(Int.self, "SELECT count(*) FROM item") ?? 0
            counts.stories = try db.value(Int.self, "SELECT count(*) FROM story") ?? 0
            counts.lastPublished = try db.value(Double.self, "SELECT max(published_at) FROM published").map(
                Date.init(timeIntervalSince1970:))
            return counts
        }
    }
}
