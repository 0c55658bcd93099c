import Foundation
import GRDB

/// A time stored for a feed that lies further ahead than the clock allows, and was reset.
public struct FutureTime: Sendable, Equatable {
    public var feedURL: String
    /// The column: `next_due`, `last_success`, `last_fetch` or `last_full_fetch`.
    public var field: String
    /// What was stored.
    public var stored: Date
}

/// What a repair of times stored ahead of the clock changed.
public struct ClockRepair: Sendable, Equatable {
    /// The feeds' times reset, one entry per feed and column.
    public var feeds: [FutureTime] = []
    /// Items whose `first_seen` or `last_changed`, and stories whose times, were ahead and now
    /// stand at the present.
    public var items = 0
    public var stories = 0
    /// Feeds whose eviction watermark was ahead and now stands at the present.
    public var watermarks = 0

    public var isEmpty: Bool { feeds.isEmpty && items == 0 && stories == 0 && watermarks == 0 }
}

/// The database's upkeep: the schema the caps need, incremental vacuuming, and times stored
/// while the clock was wrong.
extension StateStore {
    /// Times up to this far ahead of the clock are left alone: a small step back of the clock
    /// (NTP slewing, a leap second) is no reason to rewrite anything.
    public static let clockSlack: TimeInterval = 60

    /// Turns on `auto_vacuum = INCREMENTAL` once, before the migrations: a database not yet in
    /// that mode (a new one, or one made by an older Newsdesk) is rewritten by a `VACUUM`, which
    /// SQLite runs only outside a transaction, so this is not a migration. On an existing
    /// database the `VACUUM` takes a while once and needs as much free disk as the file's size:
    /// when it fails the database is used as it is, and the reason returned for the log.
    static func enableIncrementalVacuum(_ pool: DatabasePool, path: String) -> String? {
        do {
            try pool.writeWithoutTransaction { db in
                guard try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") != 2 else { return }
                try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
                try db.execute(sql: "VACUUM")
            }
            return nil
        } catch let error as DatabaseError {
            return "converting the database to incremental vacuuming failed (tried again at the next start): "
                + StateFiles.explain(error, path: path)
        } catch {
            return "converting the database to incremental vacuuming failed (tried again at the next start): \(error)"
        }
    }

    /// Gives the pages freed since the last step back to the file system (`PRAGMA
    /// incremental_vacuum`), then checkpoints the WAL so the file really shrinks. Called once a
    /// cycle, after the prune and the evictions: the work is proportional to what they freed.
    /// Returns how many pages were free before. PostgreSQL vacuums itself (autovacuum); there
    /// this refreshes the planner's statistics instead (``refreshStatistics()``).
    @discardableResult
    public func vacuumStep() throws(StoreError) -> Int {
        guard case .sqlite(let pool) = database else {
            try refreshStatistics()
            return 0
        }
        do {
            return try pool.writeWithoutTransaction { db in
                let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
                guard free > 0 else { return 0 }
                try db.execute(sql: "PRAGMA incremental_vacuum")
                try db.checkpoint(.passive)
                return free
            }
        } catch let error as DatabaseError {
            throw StoreError(path: path, message: "vacuuming: \(error.message ?? "\(error)")")
        } catch {
            throw StoreError(path: path, message: "vacuuming: \(error)")
        }
    }

    /// Brings PostgreSQL's planner statistics of the tables a cycle fills up to date (`ANALYZE`,
    /// a sample of each): right after a large write autovacuum has not looked yet, and a plan
    /// made for tables it believed empty turned the ranking of 3,000 feeds into ten seconds.
    /// Called after polling and after folding. SQLite plans without them: nothing to do.
    public func refreshStatistics() throws(StoreError) {
        guard case .postgresql(let pool, _) = database else { return }
        do {
            try pool.session { try $0.run("ANALYZE feed, item, story") }
        } catch {
            throw StoreError(path: path, message: "refreshing statistics: " + Self.explain(error))
        }
    }

    /// Resets times stored while the clock ran ahead (a bad real-time clock at boot, corrected
    /// later), so they decide nothing: a feed's `next_due` later than `now + horizon` (the
    /// longest wait any polling rule sets) becomes `now`, so the feed is polled again;
    /// `last_success` and `last_fetch` later than now become now (they happened, at the latest
    /// now); `last_full_fetch` is cleared (the next fetch is sent without validators). Items and
    /// stories seen or changed in the future are moved to now: otherwise they would stay out of
    /// every ranking window until that date came, and then sort first, and never be pruned.
    /// A feed's eviction watermark ahead goes back to just before now. Gone feeds (due never) are left alone. The items are looked at only when a feed's times
    /// or the newest `first_seen` show the clock ran ahead, so a normal cycle reads one small table.
    public func repairFutureTimes(now: Date, horizon: TimeInterval) throws(StoreError) -> ClockRepair {
        try write("resetting times stored ahead of the clock") { db in
            var repair = ClockRepair()
            let present = now.timeIntervalSince1970
            let ahead = present + Self.clockSlack
            // Columns looked at by name, each with its own limit and reset: a repair, not a record.
            var rows: [Row] = []
            try db.forEachRow(
                """
                SELECT id, url, state, next_due, last_success, last_fetch, last_full_fetch FROM feed
                WHERE (state != 'gone' AND next_due > ?1) OR last_success > ?2 OR last_fetch > ?2 OR last_full_fetch > ?2
                """,
                [present + max(horizon, Self.clockSlack), ahead]
            ) { rows.append($0.copy()) }
            for row in rows {
                let url: String = row["url"]
                var sets: [String] = []
                for field in ["next_due", "last_success", "last_fetch", "last_full_fetch"] {
                    guard let stored = row[field] as Double? else { continue }
                    let limit = field == "next_due" ? present + max(horizon, Self.clockSlack) : ahead
                    guard stored > limit, field != "next_due" || row["state"] as String != FeedState.gone.rawValue else { continue }
                    repair.feeds.append(FutureTime(feedURL: url, field: field, stored: Date(timeIntervalSince1970: stored)))
                    sets.append(field == "last_full_fetch" ? "\(field) = NULL" : "\(field) = ?1")
                }
                try db.execute("UPDATE feed SET \(sets.joined(separator: ", ")) WHERE id = ?2", [present, row["id"] as Int64])
            }
            // An eviction watermark set while the clock ran ahead would refuse every new item
            // until that date came: it goes back to just before now (an undated item's age is
            // the moment it is seen, and what it evicted was all dated later).
            repair.watermarks = try db.execute("UPDATE feed SET evicted_through = ?1 WHERE evicted_through > ?2", [present - 1, ahead])
            let newest = try db.value(Double.self, "SELECT max(first_seen) FROM item") ?? 0
            guard !repair.feeds.isEmpty || newest > ahead else { return repair }
            let least = { (column: String) in db.dialect.least(column, "?1") }
            repair.items = try db.execute(
                """
                UPDATE item SET first_seen = \(least("first_seen")), last_changed = \(least("last_changed"))
                WHERE first_seen > ?2 OR last_changed > ?2
                """,
                [present, ahead])
            repair.stories = try db.execute(
                """
                UPDATE story SET first_seen = \(least("first_seen")), last_coverage = \(least("last_coverage")),
                    last_updated = \(least("last_updated"))
                WHERE first_seen > ?2 OR last_coverage > ?2 OR last_updated > ?2
                """,
                [present, ahead])
            return repair
        }
    }
}
