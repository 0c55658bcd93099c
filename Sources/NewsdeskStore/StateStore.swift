import Foundation
import GRDB
import NewsdeskConfig

/// Why the state database cannot be used.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    /// Another process owns the state (see ``StateLock``): not a fault of the database.
    public var inUse = false
    /// The database server could not be reached (PostgreSQL down, or the network): trying
    /// again later may work.
    public var unreachable = false
    public var description: String { "\(path): \(message)" }

    package init(path: String, message: String, inUse: Bool = false) {
        self.path = path
        self.message = message
        self.inUse = inUse
    }
}

/// Newsdesk's memory: feeds and their polling state, and every item seen, in one SQLite file
/// (WAL mode, versioned migrations) or in a PostgreSQL database (``StateLocation``). Each change
/// is one transaction, so a crash at any moment leaves either the old state or the new one. The
/// rest of Newsdesk does not know which database it talks to: every query is written once
/// (``StateSQL``).
///
/// One process owns an SQLite state at a time (the daemon, or `once`): it opens it `exclusive`,
/// holding its ``StateLock`` as long as the store lives, and only it creates the database and
/// runs the migrations. Others (`status`, `stories`) open it beside the owner: SQLite serializes
/// their writes, and since the owner brought the schema up to date before anything else, they
/// need no migration; should one be needed, they take the lock for the moment it runs, or refuse.
///
/// A PostgreSQL state is shared: several daemons poll it, each the feeds it leased
/// (StateStore+Leases.swift), and one at a time folds and publishes (``isPublisher()``);
/// migrations run under an advisory lock, one process at a time.
///
/// Thread-safe: GRDB's `DatabasePool` (or ``PostgresPool``) serializes writes and lets reads
/// run beside them.
public final class StateStore: Sendable {
    /// The SQLite file, or the PostgreSQL database as `postgresql://user@host:port/name` (never
    /// with its password).
    public let path: String
    /// Whether opening it created the database: there was no file at `path` (or no schema).
    public let created: Bool
    /// Why the one-time conversion to incremental vacuuming failed (too little free space for
    /// its copy, say), when it did: the database works as before, and it is tried at the next
    /// start. Nil when the database vacuums incrementally (and on PostgreSQL, which vacuums itself).
    public let vacuumProblem: String?
    let database: Backend
    /// Whether several daemons may share it (PostgreSQL).
    public var isShared: Bool {
        guard case .postgresql = database else { return false }
        return true
    }
    /// Held for the store's life when an SQLite state was opened `exclusive`.
    private let lock: StateLock?
    /// The file opened, to notice it deleted or replaced (``checkFile()``).
    private let identity: StateFiles.Identity?

    enum Backend: Sendable {
        case sqlite(DatabasePool)
        /// The pool, and the lock that makes one daemon the publisher.
        case postgresql(PostgresPool, publisher: PostgresPublisher)
    }

    /// Opens (creating if missing) the state at `path` (a file, or a PostgreSQL URL or libpq
    /// connection string: see ``StateLocation``) and brings its schema up to date. `exclusive`
    /// takes the state's lock first and keeps it, failing at once (with ``StoreError/inUse``) if
    /// another process holds it.
    public init(path: String, exclusive: Bool = false) throws(StoreError) {
        if StateLocation.isPostgres(path) {
            let name = PostgresConnection.displayName(path)
            self.path = name
            lock = nil
            identity = nil
            vacuumProblem = nil
            do {
                let pool = try PostgresPool(conninfo: path)
                created = try StateSchema.migrate(pool)
                database = .postgresql(pool, publisher: PostgresPublisher(conninfo: path))
            } catch let error as StoreError {
                throw error
            } catch {
                var failure = StoreError(path: name, message: "cannot open the state database: " + Self.explain(error))
                failure.unreachable = (error as? PostgresError)?.connectionLost == true
                throw failure
            }
            return
        }
        self.path = path
        try StateFiles.makeFolder(of: path)
        lock = try exclusive ? StateLock(database: path) : nil
        created = try StateFiles.prepare(path)
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            let pool = try DatabasePool(path: path, configuration: configuration)
            try pool.read(StateSchema.checkNotNewer)
            var vacuumProblem: String?
            // Migrations (and the one-time VACUUM into incremental mode) run only under the
            // lock: two processes migrating a new file at once would both create the same tables.
            if exclusive {
                vacuumProblem = Self.enableIncrementalVacuum(pool, path: path)
                try StateSchema.migrator.migrate(pool)
                // The one owner: leases left by an earlier process (killed mid-fetch) are void.
                try pool.write { db in
                    try db.execute(sql: "UPDATE feed SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL")
                }
            } else if try !pool.read(StateSchema.migrator.hasCompletedMigrations) {
                let moment = try StateLock(
                    database: path, advice: "its schema is not up to date yet (an older newsdesk, or one starting): try again")
                try withExtendedLifetime(moment) {
                    vacuumProblem = Self.enableIncrementalVacuum(pool, path: path)
                    try StateSchema.migrator.migrate(pool)
                }
            }
            database = .sqlite(pool)
            self.vacuumProblem = vacuumProblem
        } catch let error as DatabaseError {
            throw StoreError(path: path, message: "cannot open the state database: " + StateFiles.explain(error, path: path))
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path: path, message: "cannot open the state database: \(error)")
        }
        identity = StateFiles.identity(of: path)
    }

    /// Fails if the file at ``path`` is no longer the one opened: deleted, moved away or
    /// replaced. Whatever is written after that is lost, so the owner stops on it. (A
    /// PostgreSQL state has no file.)
    public func checkFile() throws(StoreError) {
        if let lock, !lock.isInPlace {
            throw StoreError(
                path: path,
                message: "the state's lock file \(lock.path) was deleted or replaced while newsdesk was running; "
                    + "stopping, so that two processes never share the state (the next start takes the lock again)")
        }
        guard let identity else { return }
        guard let now = StateFiles.identity(of: path) else {
            throw StoreError(
                path: path,
                message: "the state database was deleted or moved away while newsdesk was running; "
                    + "stopping, as nothing more could be kept (the next start creates a new one)")
        }
        guard now == identity else {
            throw StoreError(
                path: path,
                message: "the state database was replaced by another file while newsdesk was running; "
                    + "stopping (the next start opens the file now there)")
        }
    }

    /// `values` as a JSON array, for `json_each(?)`: a whole list bound as one argument.
    static func jsonArray(_ values: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(values), as: UTF8.self)
    }

    /// Runs `body` in one write transaction: all of it is stored, or (when it throws) none.
    func write<T>(_ what: String, _ body: (any StateSQL) throws -> T) throws(StoreError) -> T {
        do {
            switch database {
            case .sqlite(let pool): return try pool.write(body)
            case .postgresql(let pool, _): return try pool.transaction(writing: true, body)
            }
        } catch {
            throw failure(what, error)
        }
    }

    /// Runs `body` in one read transaction, which sees one moment of the state.
    func read<T>(_ what: String, _ body: (any StateSQL) throws -> T) throws(StoreError) -> T {
        do {
            switch database {
            case .sqlite(let pool): return try pool.read(body)
            case .postgresql(let pool, _): return try pool.transaction(writing: false, body)
            }
        } catch {
            throw failure(what, error)
        }
    }

    private func failure(_ what: String, _ error: any Error) -> StoreError {
        guard let error = error as? DatabaseError else {
            var failure = StoreError(path: path, message: "\(what): " + Self.explain(error))
            failure.unreachable = (error as? PostgresError)?.connectionLost == true
            return failure
        }
        return StoreError(path: path, message: "\(what): " + StateFiles.explain(error, path: path))
    }

    /// What a PostgreSQL failure means for the user, with what to do about it.
    static func explain(_ error: any Error) -> String {
        guard let error = error as? PostgresError else { return "\(error)" }
        if error.isReadOnly {
            return error.message
                + " (the server takes no writes: a read-only replica? give `state` the primary's address)"
        }
        if error.connectionLost { return error.message + " (PostgreSQL is down or unreachable)" }
        return error.message
    }

    /// `PRAGMA integrity_check`'s verdict: "ok" when the file is sound. PostgreSQL checks its
    /// own pages: there it is "ok" when the server answers.
    public func integrityCheck() throws(StoreError) -> String {
        try read("integrity check") { db in
            db.dialect == .sqlite ? try db.value(String.self, "PRAGMA integrity_check") ?? "no answer" : "ok"
        }
    }
}
