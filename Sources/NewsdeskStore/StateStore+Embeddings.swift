import Foundation
import GRDB

/// An item waiting for its vector: what is embedded of it.
public struct EmbeddingInput: Sendable, Equatable {
    public var itemID: Int64
    public var title: String
    public var excerpt: String
}

/// The embeddings endpoint as last seen: up or not, since when, and why not.
public struct EmbeddingStatus: Sendable, Equatable {
    public var model: String
    public var available: Bool
    public var error: String?
    /// When it became what it is.
    public var since: Date
    /// The last request's time.
    public var checked: Date
    /// Items of the window still without a vector of `model` (counted, not a column).
    public var pending = 0
}

/// An item to embed is read as a record of its id and text (NULL text read as empty, in SQL).
extension EmbeddingInput: Decodable, FetchableRecord {
    enum CodingKeys: String, CodingKey {
        case title, excerpt
        case itemID = "item_id"
    }
}

/// The one row of `embedding_status`, a column per property (`pending` aside); times in
/// seconds since 1970 (``StateRecord``).
extension EmbeddingStatus: Decodable, FetchableRecord, StateRecord {
    enum CodingKeys: String, CodingKey {
        case model, available, error, since, checked
    }
}

extension StateStore {
    /// Items first seen since `since` with no vector of `model` (pruned ones aside), newest first:
    /// a backlog is worked from what readers see first.
    public func itemsToEmbed(model: String, since: Date, limit: Int) throws(StoreError) -> [EmbeddingInput] {
        try read("reading items to embed") { db in
            try db.records(
                EmbeddingInput.self,
                """
                SELECT item.id AS item_id, coalesce(item.title, '') AS title, coalesce(item.excerpt, '') AS excerpt FROM item
                LEFT JOIN embedding ON embedding.item_id = item.id AND embedding.model = ?
                WHERE embedding.item_id IS NULL AND item.pruned = 0 AND item.first_seen >= ?
                ORDER BY item.first_seen DESC, item.id DESC LIMIT ?
                """,
                [model, since.timeIntervalSince1970, limit])
        }
    }

    /// How many items first seen since `since` still lack a vector of `model`.
    public func embeddingBacklog(model: String, since: Date) throws(StoreError) -> Int {
        try read("counting items to embed") { db in
            try db.value(
                Int.self,
                """
                SELECT count(*) FROM item LEFT JOIN embedding ON embedding.item_id = item.id AND embedding.model = ?
                WHERE embedding.item_id IS NULL AND item.pruned = 0 AND item.first_seen >= ?
                """,
                [model, since.timeIntervalSince1970]) ?? 0
        }
    }

    /// The dimension of the stored vectors of `model`, if any is stored.
    public func embeddingDimension(model: String) throws(StoreError) -> Int? {
        try read("reading embeddings") { db in
            try db.value(Int.self, "SELECT length(vector) / 4 FROM embedding WHERE model = ? LIMIT 1", [model])
        }
    }

    /// Stores vectors of `model` (replacing another model's), not yet folded; an item deleted
    /// meanwhile is skipped.
    public func saveEmbeddings(_ vectors: [(itemID: Int64, vector: [Float])], model: String) throws(StoreError) {
        try write("storing embeddings") { db in
            // A conditional insert (only while the item exists) in one statement, which a record cannot say.
            for (itemID, vector) in vectors {
                try db.execute(
                    """
                    INSERT INTO embedding (item_id, model, vector, folded)
                    SELECT ?, ?, ?, 0 WHERE EXISTS (SELECT 1 FROM item WHERE id = ?)
                    ON CONFLICT (item_id) DO UPDATE SET model = excluded.model, vector = excluded.vector, folded = 0
                    """,
                    [itemID, model, Self.blob(vector), itemID])
            }
        }
    }

    /// The vectors of `model` of the given items.
    public func embeddings(of itemIDs: [Int64], model: String) throws(StoreError) -> [Int64: [Float]] {
        guard !itemIDs.isEmpty else { return [:] }
        return try read("reading embeddings") { db in
            let ids = try Self.jsonArray(itemIDs)
            return try vectorMap(
                db, sql: "SELECT item_id, vector FROM embedding WHERE model = ? AND item_id IN \(db.dialect.list(of: .integer))",
                arguments: [model, ids])
        }
    }

    /// Vectors of `model` already folded into the stories of items first seen since `since`:
    /// what a rebuilt clusterer puts back with its items.
    public func foldedEmbeddings(model: String, since: Date) throws(StoreError) -> [Int64: [Float]] {
        try read("reading embeddings") { db in
            try vectorMap(
                db,
                sql: """
                    SELECT embedding.item_id, embedding.vector FROM embedding JOIN item ON item.id = embedding.item_id
                    WHERE embedding.model = ? AND embedding.folded = 1 AND item.story_id IS NOT NULL AND item.first_seen >= ?
                    """,
                arguments: [model, since.timeIntervalSince1970])
        }
    }

    /// Items already in a story whose vector of `model` arrived after they were placed: the
    /// oldest `limit` of them, with their story.
    public func unfoldedEmbeddings(model: String, limit: Int) throws(StoreError) -> [(item: StoryItem, vector: [Float])] {
        try read("reading embeddings") { db in
            var pairs: [(item: StoryItem, vector: [Float])] = []
            try db.forEachRow(
                // The vector is selected beside the item's columns: a row without one is dropped below.
                Self.storyItemColumns(with: "embedding.vector,")
                    + """
                     JOIN embedding ON embedding.item_id = item.id
                    WHERE embedding.folded = 0 AND embedding.model = ? AND item.story_id IS NOT NULL AND item.pruned = 0
                    ORDER BY item.first_seen, item.id LIMIT ?
                    """,
                [model, limit]
            ) { row in
                if let vector = Self.floats(row["vector"]) { pairs.append((try StoryItem(row: row), vector)) }
            }
            return pairs
        }
    }

    /// Drops the vectors of every other model: a changed model's old vectors are never compared.
    @discardableResult
    public func dropEmbeddings(otherThan model: String) throws(StoreError) -> Int {
        try write("dropping old embeddings") { db in
            try db.execute("DELETE FROM embedding WHERE model != ?", [model])
        }
    }

    /// Records the endpoint's state after a request; `since` moves only when the state changes.
    public func recordEmbeddingStatus(model: String, error: String?, at now: Date) throws(StoreError) {
        try write("storing the embeddings status") { db in
            // An upsert whose `since` depends on the row it replaces: SQL says it, a record cannot.
            _ = try db.execute(
                """
                INSERT INTO embedding_status (id, model, available, error, since, checked) VALUES (1, ?1, ?2, ?3, ?4, ?4)
                ON CONFLICT(id) DO UPDATE SET
                    since = CASE WHEN embedding_status.available = excluded.available AND embedding_status.model = excluded.model
                            THEN embedding_status.since ELSE excluded.since END,
                    model = excluded.model, available = excluded.available, error = excluded.error, checked = excluded.checked
                """,
                [model, error == nil, error, now.timeIntervalSince1970])
        }
    }

    /// The endpoint's last recorded state, with the backlog since `since`; nil before any request.
    public func embeddingStatus(since: Date) throws(StoreError) -> EmbeddingStatus? {
        let status = try read("reading the embeddings status") { db in
            try db.record(EmbeddingStatus.self, "SELECT * FROM embedding_status")
        }
        guard var status else { return nil }
        status.pending = try embeddingBacklog(model: status.model, since: since)
        return status
    }

    /// Vectors by item id: pairs of columns into a dictionary, no record.
    private func vectorMap(_ db: any StateSQL, sql: String, arguments: [(any DatabaseValueConvertible)?]) throws -> [Int64: [Float]] {
        var vectors: [Int64: [Float]] = [:]
        try db.forEachRow(sql, arguments) { row in
            if let vector = Self.floats(row["vector"]) { vectors[row["item_id"]] = vector }
        }
        return vectors
    }

    /// A vector as stored: its Float32s, little-endian (every platform Swift runs on).
    static func blob(_ vector: [Float]) -> Data {
        vector.withUnsafeBytes { Data($0) }
    }

    static func floats(_ data: Data?) -> [Float]? {
        guard let data, !data.isEmpty, data.count % MemoryLayout<Float>.size == 0 else { return nil }
        // Copied rather than bound: a Data's bytes need not be aligned for Float.
        return [Float](unsafeUninitializedCapacity: data.count / MemoryLayout<Float>.size) { buffer, count in
            count = data.copyBytes(to: buffer) / MemoryLayout<Float>.size
        }
    }
}
