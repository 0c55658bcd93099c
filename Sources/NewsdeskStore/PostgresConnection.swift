import CLibPQ
import Foundation
import GRDB

/// Why PostgreSQL refused or failed: libpq's message, and the SQLSTATE code when the server
/// sent one (``PostgresConnection``).
struct PostgresError: Error, CustomStringConvertible {
    var message: String
    /// The server's five-character SQLSTATE, nil when the connection failed before any answer.
    var state: String?
    /// The connection is gone (the server stopped, the network broke): retrying on a new one may work.
    var connectionLost = false

    var description: String { message }
    /// A write sent to a read-only server (a hot standby, or `default_transaction_read_only`).
    var isReadOnly: Bool { state == "25006" }
}

/// One connection to PostgreSQL through libpq, its only user in Newsdesk (as `CurlTransfer` is
/// libcurl's). Statements are prepared once per connection and run with their arguments as
/// parameters, never spliced into the SQL. Values travel as text, but blobs (as binary), and
/// come back as GRDB `Row`s, so the store decodes one kind of row whichever database it reads.
///
/// Not thread-safe: a connection serves one transaction at a time, handed from thread to thread
/// only through ``PostgresPool``'s lock, hence `@unchecked`.
final class PostgresConnection: @unchecked Sendable {
    private let connection: OpaquePointer
    /// Prepared statements by their SQL (as the store writes it, `?` placeholders and all) and
    /// their parameters' types.
    private var prepared: [PreparedKey: String] = [:]

    private struct PreparedKey: Hashable {
        var sql: String
        var types: [Oid]
    }

    /// Connects with `conninfo`: a `postgresql://` URL or libpq's `key=value` words. libpq reads
    /// the password from the URL, `passfile`, `PGPASSFILE` or `~/.pgpass`, and the `PG*`
    /// variables for what the string leaves out.
    init(_ conninfo: String) throws(PostgresError) {
        // Defaults first: the URL's own words, expanded from `dbname`, come later and win.
        let keywords = ["application_name", "connect_timeout", "dbname"]
        let values = ["newsdesk", "10", conninfo]
        let handle = Self.withCStrings(keywords) { keys in
            Self.withCStrings(values) { vals in PQconnectdbParams(keys, vals, 1) }
        }
        guard let handle else { throw PostgresError(message: "out of memory connecting to PostgreSQL", connectionLost: true) }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.message(PQerrorMessage(handle))
            PQfinish(handle)
            throw PostgresError(message: message, connectionLost: true)
        }
        connection = handle
        PQsetNoticeProcessor(handle, { _, _ in }, nil)  // NOTICEs (IF NOT EXISTS...) are not ours to print
    }

    deinit { PQfinish(connection) }

    /// How `conninfo` is shown: `postgresql://user@host:port/name`, from what it says (the
    /// `PG*` variables fill in the rest at connection time), never with its password.
    static func displayName(_ conninfo: String) -> String {
        var words: [String: String] = [:]
        if let options = PQconninfoParse(conninfo, nil) {
            defer { PQconninfoFree(options) }
            var option = options
            while let keyword = option.pointee.keyword {
                if let value = option.pointee.val { words[String(cString: keyword)] = String(cString: value) }
                option += 1
            }
        }
        let user = words["user"].map { $0 + "@" } ?? ""
        let port = words["port"].map { ":" + $0 } ?? ""
        return "postgresql://\(user)\(words["host"] ?? words["hostaddr"] ?? "")\(port)/\(words["dbname"] ?? "")"
    }

    /// Whether the connection still stands (after a failure, the server or the network may be gone).
    var isOpen: Bool { PQstatus(connection) == CONNECTION_OK }

    /// Runs a statement without parameters or results (BEGIN, COMMIT, DDL; several at once allowed).
    func run(_ sql: String) throws(PostgresError) {
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        try check(result, sql)
    }

    /// Runs `sql` with `arguments` bound to its placeholders (`?` or `?N`, as SQLite reads them);
    /// returns the rows it gave and how many rows it changed.
    func execute(_ sql: String, _ arguments: [DatabaseValue]) throws(PostgresError) -> (rows: [Row], changed: Int) {
        let types = arguments.map(Self.type)
        let name = try statement(sql, types: types)
        // Each value copied into C memory libpq reads from: text as a C string, a blob as its bytes.
        var values: [UnsafeMutablePointer<CChar>?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        defer { values.forEach { free($0) } }
        for value in arguments {
            var length: Int32 = 0
            var format: Int32 = 0
            switch value.storage {
            case .null: values.append(nil)
            case .int64(let number): values.append(strdup("\(number)"))
            case .double(let number): values.append(strdup(Self.text(number)))
            // PostgreSQL's text holds no NUL: one is dropped rather than cutting the value short.
            case .string(let text): values.append(strdup(text.replacingOccurrences(of: "\u{0}", with: "")))
            case .blob(let data):
                let copy = malloc(max(data.count, 1))
                if let copy { data.copyBytes(to: copy.assumingMemoryBound(to: UInt8.self), count: data.count) }
                values.append(copy?.assumingMemoryBound(to: CChar.self))
                length = Int32(data.count)
                format = 1
            }
            lengths.append(length)
            formats.append(format)
        }
        let pointers: [UnsafePointer<CChar>?] = values.map { $0.map { UnsafePointer($0) } }
        let result = PQexecPrepared(connection, name, Int32(arguments.count), pointers, lengths, formats, 0)
        defer { PQclear(result) }
        try check(result, sql)
        let changed = Int(String(cString: PQcmdTuples(result))) ?? 0
        return (try Self.rows(result), changed)
    }

    /// The prepared statement's name for `sql` with parameters of `types`, preparing it on first use.
    private func statement(_ sql: String, types: [Oid]) throws(PostgresError) -> String {
        let key = PreparedKey(sql: sql, types: types)
        if let name = prepared[key] { return name }
        let name = "s\(prepared.count)"
        let result = PQprepare(connection, name, Self.numbered(sql), Int32(types.count), types)
        defer { PQclear(result) }
        try check(result, sql)
        prepared[key] = name
        return name
    }

    /// A parameter's type, as its value says (PostgreSQL's fixed OIDs): integers as `bigint`,
    /// doubles as `double precision`, blobs as `bytea`; text and NULL as the statement's context
    /// makes them (0).
    private static func type(_ value: DatabaseValue) -> Oid {
        switch value.storage {
        case .int64: 20
        case .double: 701
        case .blob: 17
        case .string, .null: 0
        }
    }

    private func check(_ result: OpaquePointer?, _ sql: String) throws(PostgresError) {
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        guard status != PGRES_COMMAND_OK, status != PGRES_TUPLES_OK else { return }
        let state = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) }
        var message = Self.message(result.map(PQresultErrorMessage) ?? PQerrorMessage(connection))
        if message.isEmpty { message = Self.message(PQerrorMessage(connection)) }
        throw PostgresError(message: message, state: state, connectionLost: !isOpen || state?.hasPrefix("08") == true)
    }

    /// `sql` with SQLite's placeholders (`?`, `?N`) as PostgreSQL's (`$N`), quotes left alone.
    static func numbered(_ sql: String) -> String {
        var out = ""
        var next = 1
        var quote: Character?
        var characters = sql.makeIterator()
        var pending = characters.next()
        while let character = pending {
            pending = characters.next()
            if let open = quote {
                if character == open { quote = nil }
                out.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                out.append(character)
            } else if character == "?" {
                var digits = ""
                while let digit = pending, digit.isASCII, digit.isNumber {
                    digits.append(digit)
                    pending = characters.next()
                }
                let index = Int(digits) ?? next
                next = max(next, index + 1)
                out += "$\(index)"
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// A double as PostgreSQL reads it back to the same bits.
    private static func text(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number > 0 ? "Infinity" : "-Infinity" }
        return "\(number)"
    }

    /// The rows of a result, each value as the column's type gives it.
    private static func rows(_ result: OpaquePointer?) throws(PostgresError) -> [Row] {
        guard let result, PQresultStatus(result) == PGRES_TUPLES_OK else { return [] }
        let columns = (0..<PQnfields(result)).map { (name: String(cString: PQfname(result, $0)), type: PQftype(result, $0)) }
        return (0..<PQntuples(result)).map { row in
            var values: [String: (any DatabaseValueConvertible)?] = [:]
            for (index, column) in columns.enumerated() {
                let field = Int32(index)
                values[column.name] =
                    PQgetisnull(result, row, field) == 1
                    ? nil : value(PQgetvalue(result, row, field), length: Int(PQgetlength(result, row, field)), type: column.type)
            }
            return Row(values)
        }
    }

    /// One value in text format, by its type's OID (PostgreSQL's fixed numbers for built-in types).
    private static func value(_ text: UnsafeMutablePointer<CChar>, length: Int, type: Oid) -> any DatabaseValueConvertible {
        switch type {
        case 16: return text.pointee == CChar(UInt8(ascii: "t")) ? Int64(1) : Int64(0)  // bool
        case 20, 21, 23, 26: return Int64(String(cString: text)) ?? 0  // int8, int2, int4, oid
        case 700, 701: return Double(String(cString: text)) ?? .nan  // float4, float8
        case 1700:  // numeric (sum of bigints): an integer when it is one
            let string = String(cString: text)
            return Int64(string) ?? Double(string) ?? .nan
        case 17:  // bytea, as `\x` and hex digits
            var count = 0
            guard let bytes = PQunescapeBytea(UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self), &count) else { return Data() }
            defer { PQfreemem(bytes) }
            return Data(bytes: bytes, count: count)
        default: return String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self)
        }
    }

    /// libpq's message on one line (its hints come on lines of their own), for a log line.
    private static func message(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "unknown PostgreSQL error" }
        return String(cString: text).split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }

    private static func withCStrings<T>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> T) -> T {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        return body(copies.map { $0.map { UnsafePointer($0) } } + [nil])
    }
}
