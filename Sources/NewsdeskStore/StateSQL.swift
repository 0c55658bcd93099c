import Foundation
import GRDB

/// Which database holds the state: the few places where SQLite and PostgreSQL spell a thing
/// differently ask it (``StateSQL``).
enum SQLDialect: Sendable {
    case sqlite, postgresql

    /// A list bound as one argument (a JSON array, ``StateStore/jsonArray(_:)``) as a subquery
    /// of its values: `x IN \(list(of: .integer))`.
    func list(_ placeholder: String = "?", of type: ListType) -> String {
        switch (self, type) {
        case (.sqlite, _): "(SELECT value FROM json_each(\(placeholder)))"
        case (.postgresql, .integer): "(SELECT json_array_elements_text(\(placeholder)::json)::bigint)"
        case (.postgresql, .text): "(SELECT json_array_elements_text(\(placeholder)::json))"
        }
    }

    enum ListType { case integer, text }

    /// The larger and smaller of two values: SQLite's two-argument `max`/`min`, PostgreSQL's
    /// `GREATEST`/`LEAST` (SQL's own `max`/`min` are aggregates there).
    func greatest(_ a: String, _ b: String) -> String { self == .sqlite ? "max(\(a), \(b))" : "GREATEST(\(a), \(b))" }
    func least(_ a: String, _ b: String) -> String { self == .sqlite ? "min(\(a), \(b))" : "LEAST(\(a), \(b))" }
}

/// The statements of one transaction of the state, whichever database runs them: the store
/// writes each query once, in the SQL both read (placeholders `?` and `?N`; ``SQLDialect`` for
/// the rest), and reads rows as GRDB records and values from either.
///
/// SQLite's is GRDB's `Database` (statements cached by their SQL); PostgreSQL's is
/// ``PostgresTransaction`` (statements prepared once per connection).
protocol StateSQL {
    var dialect: SQLDialect { get }

    /// Runs a statement; returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> Int

    /// Each row of a query, in order (a row is valid only during the call: decode, don't keep).
    func forEachRow(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?], _ body: (Row) throws -> Void) throws

    func records<R: FetchableRecord>(_ type: R.Type, _ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> [R]

    func values<V: DatabaseValueConvertible>(_ type: V.Type, _ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> [V]

    /// Runs an INSERT into a table whose rows number themselves; returns the new row's id.
    func insertReturningID(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> Int64
}

extension StateSQL {
    /// The first row's record, if any.
    func record<R: FetchableRecord>(_ type: R.Type, _ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) throws -> R? {
        try records(type, sql, arguments).first
    }

    /// The first row's first column, nil when there is no row or it holds NULL.
    func value<V: DatabaseValueConvertible>(_ type: V.Type, _ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) throws
        -> V?
    {
        var value: V?
        try forEachRow(sql, arguments) { row in if value == nil { value = row[0] } }
        return value
    }

    /// Inserts a record's row, every column it encodes; `ignoringConflicts` leaves a row that
    /// is already there (same key) as it is.
    func insert<R: EncodableRecord & TableRecord>(_ record: R, ignoringConflicts: Bool = false) throws {
        let values = try record.databaseDictionary.sorted { $0.key < $1.key }
        let sql = """
            INSERT INTO \(R.databaseTableName) (\(values.map(\.key).joined(separator: ", ")))
            VALUES (\(values.map { _ in "?" }.joined(separator: ", ")))\(ignoringConflicts ? " ON CONFLICT DO NOTHING" : "")
            """
        try execute(sql, values.map(\.value))
    }

    /// Writes `columns` of a record's row, found by its `id`, and `also` (more assignments, in SQL).
    func update<R: EncodableRecord & TableRecord>(_ record: R, columns: [String], id: Int64, also: String? = nil) throws {
        let values = try record.databaseDictionary
        let assignments = columns.map { "\($0) = ?" } + (also.map { [$0] } ?? [])
        try execute(
            "UPDATE \(R.databaseTableName) SET \(assignments.joined(separator: ", ")) WHERE id = ?",
            columns.map { values[$0] ?? .null } + [id])
    }
}

/// SQLite's statements: GRDB's, cached by their SQL for the connection's life.
extension Database: StateSQL {
    var dialect: SQLDialect { .sqlite }

    func execute(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> Int {
        try cachedStatement(sql: sql).execute(arguments: StatementArguments(arguments))
        return changesCount
    }

    func forEachRow(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?], _ body: (Row) throws -> Void) throws {
        let rows = try Row.fetchCursor(cachedStatement(sql: sql), arguments: StatementArguments(arguments))
        while let row = try rows.next() { try body(row) }
    }

    func records<R: FetchableRecord>(_ type: R.Type, _ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> [R] {
        try R.fetchAll(cachedStatement(sql: sql), arguments: StatementArguments(arguments))
    }

    func values<V: DatabaseValueConvertible>(_ type: V.Type, _ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> [V] {
        try V.fetchAll(cachedStatement(sql: sql), arguments: StatementArguments(arguments))
    }

    func insertReturningID(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> Int64 {
        try cachedStatement(sql: sql).execute(arguments: StatementArguments(arguments))
        return lastInsertedRowID
    }
}

/// PostgreSQL's statements, on the connection a transaction holds (``PostgresPool``).
struct PostgresTransaction: StateSQL {
    let connection: PostgresConnection
    var dialect: SQLDialect { .postgresql }

    func execute(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> Int {
        try connection.execute(sql, arguments.map { $0?.databaseValue ?? .null }).changed
    }

    func forEachRow(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?], _ body: (Row) throws -> Void) throws {
        for row in try connection.execute(sql, arguments.map { $0?.databaseValue ?? .null }).rows { try body(row) }
    }

    func records<R: FetchableRecord>(_ type: R.Type, _ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> [R] {
        try connection.execute(sql, arguments.map { $0?.databaseValue ?? .null }).rows.map { try R(row: $0) }
    }

    func values<V: DatabaseValueConvertible>(_ type: V.Type, _ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> [V] {
        try connection.execute(sql, arguments.map { $0?.databaseValue ?? .null }).rows.compactMap { $0[0] }
    }

    func insertReturningID(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> Int64 {
        try connection.execute(sql + " RETURNING id", arguments.map { $0?.databaseValue ?? .null }).rows.first?["id"] ?? 0
    }
}
