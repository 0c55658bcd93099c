import Foundation
import GRDB

/// Why the state database cannot be used.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    /// Another process owns the state (see ``StateLock``): not a fault of the database.
    public var inUse = false
    public var description: String { "\(path): \(message)" }

    package init(path: String, message: String, inUse: Bool = false) {
        self.path = path
        self.message = message
        self.inUse = inUse
    }
}

/// Newsdesk's memory: feeds and their polling state, and every item seen, in one SQLite file
/// (WAL mode, versioned migrations). Each change is one transaction, so a crash at any moment
/// leaves either the old state or the new one.
///
/// One process owns a state at a time (the daemon, or `once`): it opens it `exclusive`, holding
/// its ``StateLock`` as long as the store lives, and only it creates the database and runs the
/// migrations. Others (`status`, `stories`) open it beside the owner: SQLite serializes their
/// writes, and since the owner brought the schema up to date before anything else, they need
/// no migration; should one be needed, they take the lock for the moment it runs, or refuse.
///
/// Thread-safe: GRDB's `DatabasePool` serializes writes and lets reads run beside them.
public final class StateStore: Sendable {
    public let path: String
    /// Whether opening it created the database: there was no file at `path`.
    public let created: Bool
    /// Why the one-time conversion to incremental vacuuming failed (too little free space for
    /// its copy, say), when it did: the database works as before, and it is tried at the next
    /// start. Nil when the database vacuums incrementally.
    public let vacuumProblem: String?
    let pool: DatabasePool
    /// Held for the store's life when it was opened `exclusive`.
    private let lock: StateLock?
    /// The file opened, to notice it deleted or replaced (``checkFile()``).
    private let identity: StateFiles.Identity?

    /// Opens (creating if missing) the database at `path` and brings its schema up to date.
    /// `exclusive` takes the state's lock first and keeps it, failing at once (with
    /// ``StoreError/inUse``) if another process holds it.
    public init(path: String, exclusive: Bool = false) throws(StoreError) {
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
            var vacuumProblem: String?
            // Migrations (and the one-time VACUUM into incremental mode) run only under the
            // lock: two processes migrating a new file at once would both create the same tables.
            if exclusive {
                vacuumProblem = Self.enableIncrementalVacuum(pool, path: path)
                try Self.migrator.migrate(pool)
            } else if try !pool.read(Self.migrator.hasCompletedMigrations) {
                let moment = try StateLock(
                    database: path, advice: "its schema is not up to date yet (an older newsdesk, or one starting): try again")
                try withExtendedLifetime(moment) {
                    vacuumProblem = Self.enableIncrementalVacuum(pool, path: path)
                    try Self.migrator.migrate(pool)
                }
            }
            self.pool = pool
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
    /// replaced. Whatever is written after that is lost, so the owner stops on it.
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

    /// The schema, one registered migration per version; never edit a shipped migration.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: feeds and items") { db in
            try db.execute(
                sql: """
                    CREATE TABLE feed (
                        id INTEGER PRIMARY KEY,
                        url TEXT NOT NULL UNIQUE,
                        fetch_url TEXT NOT NULL,
                        title TEXT,
                        site_link TEXT,
                        etag TEXT,
                        last_modified TEXT,
                        content_hash TEXT,
                        state TEXT NOT NULL DEFAULT 'never',
                        http_status INTEGER,
                        error TEXT,
                        error_count INTEGER NOT NULL DEFAULT 0,
                        next_due REAL NOT NULL DEFAULT 0,
                        last_fetch REAL,
                        last_success REAL,
                        last_full_fetch REAL,
                        redirect_target TEXT,
                        redirect_count INTEGER NOT NULL DEFAULT 0,
                        server_interval REAL,
                        key_mode INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE TABLE item (
                        id INTEGER PRIMARY KEY,
                        feed_id INTEGER NOT NULL REFERENCES feed(id) ON DELETE CASCADE,
                        key TEXT NOT NULL,
                        guid TEXT,
                        link TEXT,
                        canonical_link TEXT,
                        title TEXT,
                        summary TEXT,
                        content TEXT,
                        excerpt TEXT,
                        authors TEXT,
                        categories TEXT,
                        enclosures TEXT,
                        published REAL,
                        updated REAL,
                        first_seen REAL NOT NULL,
                        last_changed REAL NOT NULL,
                        hash TEXT NOT NULL,
                        pruned INTEGER NOT NULL DEFAULT 0,
                        UNIQUE (feed_id, key)
                    );
                    CREATE INDEX item_first_seen ON item(first_seen);
                    CREATE INDEX item_canonical_link ON item(canonical_link);
                    """)
        }
        migrator.registerMigration("v2: stories") { db in
            try db.execute(
                sql: """
                    CREATE TABLE story (
                        id TEXT PRIMARY KEY,
                        first_seen REAL NOT NULL,
                        last_coverage REAL NOT NULL,
                        last_updated REAL NOT NULL,
                        score INTEGER,
                        breakdown TEXT
                    );
                    CREATE INDEX story_last_coverage ON story(last_coverage);
                    ALTER TABLE item ADD COLUMN story_id TEXT REFERENCES story(id);
                    CREATE INDEX item_story ON item(story_id);
                    CREATE INDEX item_unassigned ON item(story_id) WHERE story_id IS NULL;
                    """)
        }
        migrator.registerMigration("v3: published periods") { db in
            try db.execute(
                sql: """
                    CREATE TABLE published (
                        period_start REAL PRIMARY KEY,
                        period_end REAL NOT NULL,
                        published_at REAL NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v4: embeddings") { db in
            // One vector per item and model (little-endian Float32s); `folded` says the story
            // stage has placed its item with it. One status row for the endpoint.
            try db.execute(
                sql: """
                    CREATE TABLE embedding (
                        item_id INTEGER PRIMARY KEY REFERENCES item(id) ON DELETE CASCADE,
                        model TEXT NOT NULL,
                        vector BLOB NOT NULL,
                        folded INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE INDEX embedding_unfolded ON embedding(item_id) WHERE folded = 0;
                    CREATE TABLE embedding_status (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        model TEXT NOT NULL,
                        available INTEGER NOT NULL,
                        error TEXT,
                        since REAL NOT NULL,
                        checked REAL NOT NULL
                    );
                    """)
        }
        registerCapsMigration(in: &migrator)
        registerBoilerplateMigration(in: &migrator)
        // Rankings read and publishing writes files: a story's score is computed when it is
        // shown, never stored (it was written at every ranking and read by nothing).
        migrator.registerMigration("v7: scores are not stored") { db in
            try db.execute(sql: "ALTER TABLE story DROP COLUMN score; ALTER TABLE story DROP COLUMN breakdown")
        }
        return migrator
    }

    func write<T>(_ what: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.write(body)
        } catch {
            throw failure(what, error)
        }
    }

    func read<T>(_ what: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw failure(what, error)
        }
    }

    private func failure(_ what: String, _ error: any Error) -> StoreError {
        guard let error = error as? DatabaseError else { return StoreError(path: path, message: "\(what): \(error)") }
        return StoreError(path: path, message: "\(what): " + StateFiles.explain(error, path: path))
    }

    /// `PRAGMA integrity_check`'s verdict: "ok" when the file is sound.
    public func integrityCheck() throws(StoreError) -> String {
        try read("integrity check") { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }
}
