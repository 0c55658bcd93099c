import Foundation
import GRDB

/// Why the state database cannot be used.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// Newsdesk's memory: feeds and their polling state, and every item seen, in one SQLite file
/// (WAL mode, versioned migrations). Each change is one transaction, so a crash at any moment
/// leaves either the old state or the new one.
///
/// Thread-safe: GRDB's `DatabasePool` serializes writes and lets reads run beside them.
public final class StateStore: Sendable {
    public let path: String
    let pool: DatabasePool

    /// Opens (creating if missing) the database at `path` and brings its schema up to date.
    public init(path: String) throws(StoreError) {
        self.path = path
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.enableIncrementalVacuum(pool)
            try Self.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw StoreError(path: path, message: "cannot open the state database: \(error.message ?? "\(error)")")
        } catch {
            throw StoreError(path: path, message: "cannot open the state database: \(error)")
        }
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
        return migrator
    }

    func write<T>(_ what: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.write(body)
        } catch let error as DatabaseError {
            throw StoreError(path: path, message: "\(what): \(error.message ?? "\(error)")")
        } catch {
            throw StoreError(path: path, message: "\(what): \(error)")
        }
    }

    func read<T>(_ what: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch let error as DatabaseError {
            throw StoreError(path: path, message: "\(what): \(error.message ?? "\(error)")")
        } catch {
            throw StoreError(path: path, message: "\(what): \(error)")
        }
    }

    /// `PRAGMA integrity_check`'s verdict: "ok" when the file is sound.
    public func integrityCheck() throws(StoreError) -> String {
        try read("integrity check") { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }
}
