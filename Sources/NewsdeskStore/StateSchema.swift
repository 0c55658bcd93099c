import Foundation
import GRDB
import NewsdeskBase

/// The state's schema: one migration per version, the same for both databases. Each is
/// written once, in SQLite's types; PostgreSQL runs it with its own names for them
/// (``postgres(_:)``). Never edit a shipped migration: add one.
enum StateSchema {
    static let migrations: [(name: String, sql: String)] = [
        (
            "v1: feeds and items",
            """
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
            """
        ),
        (
            "v2: stories",
            """
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
            """
        ),
        (
            "v3: published periods",
            """
            CREATE TABLE published (
                period_start REAL PRIMARY KEY,
                period_end REAL NOT NULL,
                published_at REAL NOT NULL
            );
            """
        ),
        // One vector per item and model (little-endian Float32s); `folded` says the story stage
        // has placed its item with it. One status row for the endpoint.
        (
            "v4: embeddings",
            """
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
            """
        ),
        // What the item caps need (``StateStore/record(_:now:maxItemsPerFeed:boilerplate:)``): a
        // feed's eviction watermark, how many items its last document had beyond
        // `max_items_per_document`, and the hashes of the keys it evicted last.
        (
            "v5: item caps",
            """
            ALTER TABLE feed ADD COLUMN evicted_through REAL;
            ALTER TABLE feed ADD COLUMN dropped_items INTEGER NOT NULL DEFAULT 0;
            CREATE TABLE evicted_key (
                id INTEGER PRIMARY KEY,
                feed_id INTEGER NOT NULL REFERENCES feed(id) ON DELETE CASCADE,
                hash INTEGER NOT NULL
            );
            CREATE INDEX evicted_key_lookup ON evicted_key(feed_id, hash);
            """
        ),
        // The boilerplate filter's memory (StateStore+Boilerplate.swift).
        (
            "v6: boilerplate",
            """
            ALTER TABLE item ADD COLUMN blocks BLOB;
            ALTER TABLE feed ADD COLUMN boilerplate_items INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE feed ADD COLUMN boilerplate_blocks INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE feed ADD COLUMN boilerplate_bytes INTEGER NOT NULL DEFAULT 0;
            CREATE TABLE boilerplate (
                feed_id INTEGER NOT NULL REFERENCES feed(id) ON DELETE CASCADE,
                hash INTEGER NOT NULL,
                items INTEGER NOT NULL,
                last_seen REAL NOT NULL,
                PRIMARY KEY (feed_id, hash)
            );
            """
        ),
        // Rankings read and publishing writes files: a story's score is computed when it is
        // shown, never stored (it was written at every ranking and read by nothing).
        ("v7: scores are not stored", "ALTER TABLE story DROP COLUMN score; ALTER TABLE story DROP COLUMN breakdown"),
        // Several daemons on one state (StateStore+Leases.swift): which daemon fetches a feed
        // now and until when, and the host it is on (one daemon works a host at a time); which
        // daemon publishes, since when.
        (
            "v8: leases",
            """
            ALTER TABLE feed ADD COLUMN host TEXT;
            ALTER TABLE feed ADD COLUMN lease_owner TEXT;
            ALTER TABLE feed ADD COLUMN lease_until REAL;
            CREATE INDEX feed_leases ON feed(lease_until) WHERE lease_until IS NOT NULL;
            CREATE TABLE publisher (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                owner TEXT NOT NULL,
                since REAL NOT NULL
            );
            """
        ),
    ]

    /// SQLite's migrator: GRDB records the versions applied in `grdb_migrations`.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for (name, sql) in migrations {
            migrator.registerMigration(name) { db in try db.execute(sql: sql) }
        }
        return migrator
    }

    /// A migration in PostgreSQL's types: 64-bit integers (SQLite's are), doubles for REAL
    /// (PostgreSQL's REAL has 24 bits), BYTEA for BLOB, and a row id that numbers itself.
    static func postgres(_ sql: String) -> String {
        sql.replacingOccurrences(of: "id INTEGER PRIMARY KEY,", with: "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,")
            .replacingOccurrences(of: #"\bINTEGER\b"#, with: "BIGINT", options: .regularExpression)
            .replacingOccurrences(of: #"\bREAL\b"#, with: "DOUBLE PRECISION", options: .regularExpression)
            .replacingOccurrences(of: #"\bBLOB\b"#, with: "BYTEA", options: .regularExpression)
    }

    /// The advisory lock key under which PostgreSQL migrations run (one process at a time).
    static let migrationLock: Int64 = 0x6E65_7773_6465_736B  // "newsdesk"
    /// The advisory lock key under which leases are handed out, one daemon at a time.
    static let leaseLock: Int64 = 0x6E65_7773_6C65_6173  // "newsleas"
    /// The advisory lock key the publishing daemon holds (``StateStore/publisher``).
    static let publisherLock: Int64 = 0x6E65_7773_7075_626C  // "newspubl"

    /// Brings a PostgreSQL state up to date, in one transaction under the migration lock; the
    /// versions applied are the rows of `schema_migration`. Refuses a schema with versions this
    /// binary does not know (a newer Newsdesk migrated it). Returns whether the schema was
    /// created (no version was applied before).
    @discardableResult
    static func migrate(_ pool: PostgresPool) throws -> Bool {
        try pool.transaction(writing: true) { db in
            try db.execute("SELECT pg_advisory_xact_lock(?)", [migrationLock])
            try db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migration (name TEXT PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)", [])
            let applied = Set(try db.values(String.self, "SELECT name FROM schema_migration", []))
            let known = Set(migrations.map(\.name))
            let unknown = applied.subtracting(known)
            guard unknown.isEmpty else { throw SchemaError.newer(unknown.sorted()) }
            guard let transaction = db as? PostgresTransaction else { return false }
            for (name, sql) in migrations where !applied.contains(name) {
                try transaction.connection.run(postgres(sql))
                try db.execute("INSERT INTO schema_migration (name, applied_at) VALUES (?, ?)", [name, Date().timeIntervalSince1970])
            }
            return applied.isEmpty
        }
    }

    /// Refuses a SQLite state migrated by a newer Newsdesk.
    static func checkNotNewer(_ db: Database) throws {
        guard try migrator.hasBeenSuperseded(db) else { return }
        let unknown = try migrator.appliedIdentifiers(db).subtracting(migrations.map(\.name))
        throw SchemaError.newer(unknown.sorted())
    }

    enum SchemaError: Error, CustomStringConvertible {
        case newer([String])

        var description: String {
            switch self {
            case .newer(let versions):
                "its schema is newer than this newsdesk \(NewsdeskVersion.string): it has "
                    + versions.joined(separator: ", ")
                    + ", which this version does not know; run the newsdesk that wrote it, or a newer one"
            }
        }
    }
}
