import Foundation
import GRDB

/// What copying a state to another database did (``StateStore/copy(to:sample:)``).
public struct StateCopy: Sendable, Equatable {
    /// Rows copied per table, in the order copied.
    public var rows: [(table: String, count: Int)] = []
    /// Rows compared column by column after the copy, per table (a sample of each).
    public var compared = 0
    public var seconds: TimeInterval = 0

    public static func == (a: StateCopy, b: StateCopy) -> Bool {
        a.rows.map(\.table) == b.rows.map(\.table) && a.rows.map(\.count) == b.rows.map(\.count) && a.compared == b.compared
    }
}

extension StateStore {
    /// The tables of the state, parents before children (their foreign keys point back).
    static let tables = ["feed", "story", "item", "embedding", "embedding_status", "evicted_key", "boilerplate", "published", "publisher"]

    /// Copies the whole state into `destination`, an empty state of the same schema (a new
    /// PostgreSQL database, say), in one transaction there: all of it or nothing. Then checks
    /// it: the counts of every table, and `sample` rows of each (spread over its ids) compared
    /// column by column. Throws, naming the table and row, on the first difference.
    public func copy(to destination: StateStore, sample: Int = 100) throws(StoreError) -> StateCopy {
        let started = Date()
        var report = StateCopy()
        let columns = try read("reading the schema") { db in
            try Self.tables.map { table in
                var names: [String] = []
                try db.forEachRow(
                    db.dialect == .sqlite
                        ? "SELECT name FROM pragma_table_info(?) ORDER BY cid"
                        : "SELECT column_name AS name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                    [table]
                ) { row in names.append(row["name"]) }
                return (table, names)
            }
        }
        let occupied = try destination.read("reading the destination") { db in
            try db.value(Int.self, "SELECT (SELECT count(*) FROM feed) + (SELECT count(*) FROM item) + (SELECT count(*) FROM published)")
        }
        guard occupied == 0 else {
            throw StoreError(path: destination.path, message: "the destination already holds a state: give an empty database")
        }
        try read("reading the state to copy") { source in
            try destination.write("copying the state") { target in
                for (table, names) in columns {
                    let insert =
                        "INSERT INTO \(table) (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))"
                    var count = 0
                    try source.forEachRow("SELECT \(names.joined(separator: ", ")) FROM \(table)", []) { row in
                        try target.execute(insert, names.map { row[$0] as DatabaseValue })
                        count += 1
                    }
                    report.rows.append((table, count))
                }
                // Rows copied with their ids: the next id a table gives follows the largest.
                if target.dialect == .postgresql {
                    for table in ["feed", "item", "evicted_key"] {
                        try target.execute(
                            "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), greatest((SELECT max(id) FROM \(table)), 1))", [])
                    }
                }
            }
        }
        report.compared = try compare(with: destination, columns: columns, counts: report.rows, sample: sample)
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// Compares the counts, then `sample` rows of each table (by rank of their first column).
    private func compare(
        with destination: StateStore, columns: [(String, [String])], counts: [(table: String, count: Int)], sample: Int
    ) throws(StoreError) -> Int {
        var compared = 0
        for ((table, names), (_, count)) in zip(columns, counts) {
            let there = try destination.read("counting the copy") { db in try db.value(Int.self, "SELECT count(*) FROM \(table)") ?? 0 }
            guard there == count else {
                throw StoreError(path: destination.path, message: "the copy of \(table) has \(there) rows, the state \(count)")
            }
            guard count > 0 else { continue }
            let step = max(count / sample, 1)
            let key = names[0]
            let query = "SELECT \(names.joined(separator: ", ")) FROM \(table) ORDER BY \(names.prefix(2).joined(separator: ", "))"
            let mine = try read("reading rows to compare") { db in try Self.rows(db, query, names, every: step) }
            let theirs = try destination.read("reading the copied rows") { db in try Self.rows(db, query, names, every: step) }
            for (a, b) in zip(mine, theirs) where a != b {
                throw StoreError(
                    path: destination.path,
                    message: "the copy of \(table) differs at \(key) = \(a.first.map { "\($0)" } ?? "?"): \(b) for \(a)")
            }
            compared += mine.count
        }
        return compared
    }

    /// Every `step`-th row of a query, each as its values (times and numbers as doubles, so an
    /// integer SQLite kept in a REAL column compares equal to PostgreSQL's double).
    private static func rows(_ db: any StateSQL, _ sql: String, _ names: [String], every step: Int) throws -> [[String]] {
        var rows: [[String]] = []
        var index = 0
        try db.forEachRow(sql, []) { row in
            defer { index += 1 }
            guard index % step == 0 else { return }
            rows.append(
                names.map { name in
                    switch (row[name] as DatabaseValue).storage {
                    case .null: "NULL"
                    case .int64(let number): "\(Double(number))"
                    case .double(let number): "\(number)"
                    case .string(let text): text
                    case .blob(let data): data.base64EncodedString()
                    }
                })
        }
        return rows
    }
}
