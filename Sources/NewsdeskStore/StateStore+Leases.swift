import Foundation
import GRDB

/// Several daemons on one state (PostgreSQL): each fetches the feeds it leased, and the lease
/// says who fetches a feed now and until when. A lease is taken in batches, ends when the
/// fetch's result is stored (``record(_:now:maxItemsPerFeed:boilerplate:)``), and expires on
/// its own when its daemon died mid-fetch: then the feed is due for the others. Leases are
/// handed out one daemon at a time (a transaction-level advisory lock), rows another daemon is
/// writing are skipped (`FOR UPDATE SKIP LOCKED`), and a host one daemon is fetching from is
/// left to it, so `per_host` bounds the transfers to a host whichever daemons run.
///
/// On SQLite the one owner leases everything it fetches: the same code, never contended.
public struct Lease: Sendable, Equatable {
    public var owner: String
    public var feeds: Int
    /// The latest expiry among them.
    public var until: Date
}

extension StateStore {
    /// Leases up to `limit` of the feeds `candidates` (their ids) to `owner` until `until`,
    /// those still due by `deadline` (nil: whenever due), not fetched since `start` (by another
    /// daemon, in this cycle: `--all` polls each feed once) and not leased to another daemon, on a
    /// host no other daemon is fetching from: whole hosts, the one due first first, at most
    /// `perHost` feeds of each, so that a batch leaves the other hosts to the other daemons.
    /// Returns their records as they stand now.
    public func lease(
        _ candidates: [Int64], owner: String, now: Date, until: Date, dueBy deadline: Date?, notFetchedSince start: Date = .distantFuture,
        limit: Int,
        perHost: Int = .max
    ) throws(StoreError) -> [FeedRecord] {
        guard !candidates.isEmpty, limit > 0 else { return [] }
        return try write("leasing due feeds") { db in
            let skipLocked = db.dialect == .postgresql ? " FOR UPDATE SKIP LOCKED" : ""
            if db.dialect == .postgresql { try db.execute("SELECT pg_advisory_xact_lock(?)", [StateSchema.leaseLock]) }
            // The feeds free to take, grouped by host (a file is a host of its own): whole hosts
            // first, the one due first first, at most `perHost` feeds of each.
            let leased = try db.records(
                FeedRecord.self,
                """
                WITH free AS (
                    SELECT id, coalesce(host, 'id:' || id) AS place, next_due FROM feed
                    WHERE id IN \(db.dialect.list("?3", of: .integer)) AND state != 'gone' AND next_due <= ?4
                        AND coalesce(last_fetch, 0) <= ?8 AND (lease_until IS NULL OR lease_until <= ?5 OR lease_owner = ?1)
                        AND (host IS NULL OR host NOT IN (
                            SELECT host FROM feed WHERE lease_until > ?5 AND lease_owner != ?1 AND host IS NOT NULL))
                ), ranked AS (
                    SELECT id, place, row_number() OVER (PARTITION BY place ORDER BY next_due, id) AS rank,
                        min(next_due) OVER (PARTITION BY place) AS place_due FROM free
                )
                UPDATE feed SET lease_owner = ?1, lease_until = ?2
                WHERE id IN (
                    SELECT id FROM feed WHERE id IN (
                        SELECT id FROM ranked WHERE rank <= ?7 ORDER BY place_due, place, rank LIMIT ?6)\(skipLocked))
                RETURNING *
                """,
                [
                    owner, until.timeIntervalSince1970, try Self.jsonArray(candidates),
                    deadline?.timeIntervalSince1970 ?? .infinity, now.timeIntervalSince1970, limit, perHost,
                    start.timeIntervalSince1970,
                ])
            return leased.sorted { ($0.nextDue, $0.id) < ($1.nextDue, $1.id) }
        }
    }

    /// Ends `owner`'s leases whose feeds it did not get to (a cycle stopped early).
    public func releaseLeases(owner: String) throws(StoreError) {
        _ = try write("releasing leases") { db in
            try db.execute("UPDATE feed SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?", [owner])
        }
    }

    /// The feeds leased at `now` (their ids): to which daemon, until when.
    public func feedLeases(now: Date) throws(StoreError) -> [Int64: (owner: String, until: Date)] {
        try read("reading leases") { db in
            var leases: [Int64: (owner: String, until: Date)] = [:]
            try db.forEachRow(
                "SELECT id, lease_owner, lease_until FROM feed WHERE lease_until > ?", [now.timeIntervalSince1970]
            ) { row in
                leases[row["id"]] = (row["lease_owner"], Date(timeIntervalSince1970: row["lease_until"]))
            }
            return leases
        }
    }

    /// The leases in force at `now`, by daemon: who is fetching how many feeds.
    public func leases(now: Date) throws(StoreError) -> [Lease] {
        try read("reading leases") { db in
            var leases: [Lease] = []
            try db.forEachRow(
                "SELECT lease_owner, count(*) AS feeds, max(lease_until) AS until FROM feed WHERE lease_until > ? GROUP BY lease_owner ORDER BY lease_owner",
                [now.timeIntervalSince1970]
            ) { row in
                leases.append(Lease(owner: row["lease_owner"], feeds: row["feeds"], until: Date(timeIntervalSince1970: row["until"])))
            }
            return leases
        }
    }
}

extension StateStore {
    /// Whether this process is the one that folds, scores and publishes: on SQLite always (one
    /// owner); on PostgreSQL the holder of the publisher's advisory lock, taken here when nobody
    /// holds it (the last publisher stopped, died or lost its connection). The holder is
    /// recorded, with since when, for `status`.
    public func isPublisher(name: String, now: Date) throws(StoreError) -> Bool {
        guard case .postgresql(_, let publisher) = database else { return true }
        guard publisher.hold() else { return false }
        _ = try write("recording the publisher") { db in
            try db.execute(
                """
                INSERT INTO publisher (id, owner, since) VALUES (1, ?1, ?2)
                ON CONFLICT (id) DO UPDATE SET owner = ?1, since = ?2 WHERE publisher.owner != ?1
                """,
                [name, now.timeIntervalSince1970])
        }
        return true
    }

    /// The daemon that publishes (as it last recorded itself), and since when; nil before any.
    public func publisher() throws(StoreError) -> (owner: String, since: Date)? {
        try read("reading the publisher") { db in
            var found: (String, Date)?
            try db.forEachRow("SELECT owner, since FROM publisher", []) { row in
                found = (row["owner"], Date(timeIntervalSince1970: row["since"]))
            }
            return found
        }
    }
}
