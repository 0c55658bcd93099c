import Foundation
import GRDB
import NewsdeskParse

/// What the boilerplate filter took out of one feed's items, summed over every item stored or
/// updated with blocks removed (``BoilerplateFilter``).
public struct BoilerplateRemoved: Sendable, Equatable, Decodable, FetchableRecord {
    public var items = 0
    public var blocks = 0
    public var bytes = 0

    public init(items: Int = 0, blocks: Int = 0, bytes: Int = 0) {
        self.items = items
        self.blocks = blocks
        self.bytes = bytes
    }

    /// Read from the feed's cumulative counts.
    enum CodingKeys: String, CodingKey {
        case items = "boilerplate_items"
        case blocks = "boilerplate_blocks"
        case bytes = "boilerplate_bytes"
    }
}

/// One hash judged boilerplate at a feed's last poll, one row of `boilerplate`.
private struct BoilerplateVerdict: Encodable, PersistableRecord, StateRecord {
    static let databaseTableName = "boilerplate"
    var feedID: Int64
    var hash: Int64
    /// How many items of the evidence carried it.
    var items: Int
    var lastSeen: Date

    enum CodingKeys: String, CodingKey {
        case hash, items
        case feedID = "feed_id"
        case lastSeen = "last_seen"
    }
}

/// The per-feed memory of the boilerplate filter: each stored item's block hashes as the feed
/// gave them (`item.blocks`, 8 bytes a block, cleared by retention with the text), the hashes
/// judged boilerplate at the last poll (`boilerplate`: feed, hash, items carrying it, when),
/// and the cumulative counts `status` shows (`feed.boilerplate_items`, `_blocks`, `_bytes`).
/// The evidence of a poll is its document plus the feed's latest stored items, so a later poll
/// that brings a single new item still knows the ad it carries.
extension StateStore {
    /// What the filter took out of each feed's items, by feed id (feeds with nothing absent).
    public func boilerplateRemoved() throws(StoreError) -> [Int64: BoilerplateRemoved] {
        try read("reading boilerplate counts") { db in
            var counts: [Int64: BoilerplateRemoved] = [:]
            try db.forEachRow(
                "SELECT id, boilerplate_items, boilerplate_blocks, boilerplate_bytes FROM feed WHERE boilerplate_items > 0", []
            ) { row in counts[row["id"]] = try BoilerplateRemoved(row: row) }
            return counts
        }
    }

    /// Cleans a document's items (``BoilerplateFilter``) with the feed's stored evidence, and
    /// remembers this poll's verdicts. `keys` are the items' keys, so that an item of the
    /// document is counted once, from the document.
    static func removeBoilerplate(
        _ items: [FeedItem], keys: [String], feedID: Int64, filter: BoilerplateFilter, now: Date, in db: any StateSQL
    ) throws -> BoilerplateFilter.Result {
        let history = try db.values(
            Data.self,
            """
            SELECT blocks FROM item WHERE feed_id = ? AND blocks IS NOT NULL AND key NOT IN \(db.dialect.list(of: .text))
            ORDER BY first_seen DESC, id DESC LIMIT ?
            """,
            [feedID, try jsonArray(keys), filter.window]
        ).map(hashes(from:))
        let remembered = Set(
            try db.values(Int64.self, "SELECT hash FROM boilerplate WHERE feed_id = ?", [feedID]).map { UInt64(bitPattern: $0) })
        let result = filter.clean(items, history: history, remembered: remembered)
        try db.execute("DELETE FROM boilerplate WHERE feed_id = ?", [feedID])
        for (hash, count) in result.boilerplate {
            try db.insert(BoilerplateVerdict(feedID: feedID, hash: Int64(bitPattern: hash), items: count, lastSeen: now))
        }
        return result
    }

    /// Adds one stored item's removals to its feed's counts.
    static func countRemoved(blocks: Int, bytes: Int, feedID: Int64, in db: any StateSQL) throws {
        guard blocks > 0 else { return }
        // Sums kept in place, in one statement.
        try db.execute(
            """
            UPDATE feed SET boilerplate_items = boilerplate_items + 1, boilerplate_blocks = boilerplate_blocks + ?,
                boilerplate_bytes = boilerplate_bytes + ? WHERE id = ?
            """,
            [blocks, bytes, feedID])
    }

    /// Block hashes as `item.blocks` stores them: 8 bytes each, little-endian.
    static func blob(_ hashes: [UInt64]) -> Data {
        var data = Data(capacity: hashes.count * 8)
        for hash in hashes { withUnsafeBytes(of: hash.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    static func hashes(from data: Data) -> [UInt64] {
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count - bytes.count % 8, by: 8).map { start in
            bytes[start..<start + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
    }
}
