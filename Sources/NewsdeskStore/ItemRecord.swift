import Foundation
import GRDB
import NewsdeskBase
import NewsdeskParse

/// One row of `item` as the item store writes and reads it: a column per property, named by
/// `CodingKeys`; times in seconds since 1970 (``StateRecord``). The story an item belongs to
/// (`story_id`) is the story stage's, never written here.
struct ItemRecord: Codable, FetchableRecord, PersistableRecord, StateRecord {
    static let databaseTableName = "item"

    /// Nil until inserted.
    var id: Int64?
    var feedID: Int64
    var key: String
    var guid: String?
    var link: String?
    var canonicalLink: String?
    var title: String?
    var summary: String?
    var content: String?
    var excerpt: String?
    /// One value per line (values never contain a newline after parsing); NULL when none.
    var authors: String?
    var categories: String?
    /// A JSON array of `{"length", "type", "url"}` objects, keys sorted; NULL when none.
    var enclosures: String?
    var published: Date?
    var updated: Date?
    var firstSeen: Date
    var lastChanged: Date
    /// What decides whether the item changed (the item store's fingerprint).
    var hash: String
    /// Pruned by retention: the text is gone, the key stays.
    var pruned = false
    /// The block hashes the boilerplate filter saw, as the feed gave them.
    var blocks: Data?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case feedID = "feed_id"
        case key, guid, link
        case canonicalLink = "canonical_link"
        case title, summary, content, excerpt, authors, categories, enclosures, published, updated
        case firstSeen = "first_seen"
        case lastChanged = "last_changed"
        case hash, pruned, blocks
    }

    /// What a changed item rewrites: all but its identity, its first sight and its pruning.
    static let changedColumns = CodingKeys.allCases.filter { ![.id, .feedID, .key, .firstSeen, .pruned].contains($0) }.map(\.rawValue)

    /// A parsed item as first seen (and last changed) at `now`.
    init(_ item: FeedItem, feedID: Int64, key: String, enclosures: String?, hash: String, blocks: Data?, now: Date) {
        self.feedID = feedID
        self.key = key
        guid = item.guid
        link = item.link
        canonicalLink = item.link.map(CanonicalURL.key)
        title = item.title
        summary = item.summary
        content = item.content
        excerpt = item.excerpt
        authors = Self.lines(item.authors)
        categories = Self.lines(item.categories)
        self.enclosures = enclosures
        published = item.published
        updated = item.updated
        firstSeen = now
        lastChanged = now
        self.hash = hash
        self.blocks = blocks
    }

    /// The columns a new item's row is written with, and the statement, built once.
    private static let insertColumns: [CodingKeys] = CodingKeys.allCases.filter { $0 != .id }
    private static let insertSQL =
        "INSERT INTO item (\(insertColumns.map(\.rawValue).joined(separator: ", "))) VALUES (\(insertColumns.map { _ in "?" }.joined(separator: ", ")))"

    /// A new item's row, through one cached statement: a first cycle stores every item it sees,
    /// and GRDB's generic insert (encoding the record into a container, then building the
    /// INSERT) took a seventh of that cycle (docs/BENCHMARKS.md). The values are the coding
    /// keys' in order; times are seconds since 1970, as ``StateRecord`` writes them.
    mutating func insertNew(_ db: any StateSQL) throws -> Int64 {
        let id = try db.insertReturningID(Self.insertSQL, Self.insertColumns.map(value(of:)))
        self.id = id
        return id
    }

    /// The value stored in `column` (the switch is exhaustive: a new column cannot be missed).
    private func value(of column: CodingKeys) -> (any DatabaseValueConvertible)? {
        switch column {
        case .id: id
        case .feedID: feedID
        case .key: key
        case .guid: guid
        case .link: link
        case .canonicalLink: canonicalLink
        case .title: title
        case .summary: summary
        case .content: content
        case .excerpt: excerpt
        case .authors: authors
        case .categories: categories
        case .enclosures: enclosures
        case .published: published?.timeIntervalSince1970
        case .updated: updated?.timeIntervalSince1970
        case .firstSeen: firstSeen.timeIntervalSince1970
        case .lastChanged: lastChanged.timeIntervalSince1970
        case .hash: hash
        case .pruned: pruned
        case .blocks: blocks
        }
    }

    /// A list as stored: one value per line, nil when empty.
    static func lines(_ values: [String]) -> String? {
        values.isEmpty ? nil : values.map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n")
    }

    /// The values of a stored list.
    static func values(_ lines: String?) -> [String] {
        lines.map { $0.components(separatedBy: "\n") } ?? []
    }

    /// Enclosures as stored, nil when none. The bytes enter the item's fingerprint, so they must
    /// not move: keys sorted, absent values left out, slashes escaped (as Foundation always has).
    static func enclosures(_ enclosures: [Enclosure]) -> String? {
        guard !enclosures.isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let stored = enclosures.map { StoredEnclosure(url: $0.url, type: $0.type, length: $0.length) }
        return String(decoding: (try? encoder.encode(stored)) ?? Data(), as: UTF8.self)
    }

    private struct StoredEnclosure: Encodable {
        var url: String
        var type: String?
        var length: Int?
    }
}

extension StoredItem {
    /// The item of a row read (so inserted: its id is set).
    init(_ record: ItemRecord) {
        id = record.id ?? 0
        feedID = record.feedID
        key = record.key
        guid = record.guid
        title = record.title
        link = record.link
        canonicalLink = record.canonicalLink
        summary = record.summary
        excerpt = record.excerpt
        authors = ItemRecord.values(record.authors)
        categories = ItemRecord.values(record.categories)
        published = record.published
        updated = record.updated
        firstSeen = record.firstSeen
        lastChanged = record.lastChanged
        pruned = record.pruned
    }
}
