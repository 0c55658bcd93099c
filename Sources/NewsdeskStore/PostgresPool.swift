import Foundation
import Synchronization

/// The PostgreSQL connections of one store: a transaction takes an idle one (or opens one) and
/// gives it back when it ends, unless the connection broke. Writes of one process run one at a
/// time, as SQLite runs them, so the store's own writers never wait on each other's row locks;
/// reads run beside them, each in one snapshot.
final class PostgresPool: Sendable {
    let conninfo: String
    private let idle = Mutex<[PostgresConnection]>([])
    private let writing = NSLock()

    init(conninfo: String) throws(PostgresError) {
        self.conninfo = conninfo
        let first = try PostgresConnection(conninfo)
        idle.withLock { $0.append(first) }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(writing write: Bool, _ body: (any StateSQL) throws -> T) throws -> T {
        if write { writing.lock() }
        defer { if write { writing.unlock() } }
        let connection = try begin(write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        do {
            let value = try body(PostgresTransaction(connection: connection))
            try connection.run("COMMIT")
            idle.withLock { $0.append(connection) }
            return value
        } catch {
            if connection.isOpen, (try? connection.run("ROLLBACK")) != nil { idle.withLock { $0.append(connection) } }
            throw error
        }
    }

    /// A connection with a transaction begun: an idle one, or a new one. An idle connection the
    /// server dropped meanwhile (it restarted, or ended idle sessions) fails at `BEGIN`, before
    /// anything was done: it is let go and the transaction begun on a new one.
    private func begin(_ statement: String) throws -> PostgresConnection {
        while let connection = idle.withLock({ $0.popLast() }) {
            // A plain `catch where` on this typed error crashes Swift 6.3.1's SILGen.
            let failure: PostgresError
            do {
                try connection.run(statement)
                return connection
            } catch {
                failure = error
            }
            guard failure.connectionLost else { throw failure }
        }
        let connection = try PostgresConnection(conninfo)
        try connection.run(statement)
        return connection
    }

    /// Runs `body` on a connection outside any transaction (session-level work: locks, setup).
    func session<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try idle.withLock { $0.popLast() } ?? PostgresConnection(conninfo)
        defer { if connection.isOpen { idle.withLock { $0.append(connection) } } }
        return try body(connection)
    }
}

/// The publisher's hold on a PostgreSQL state: a session advisory lock on a connection of its
/// own, kept as long as the store lives. PostgreSQL lets go of it when the connection ends, so
/// a publisher that died (or lost its connection) leaves it to the next daemon that asks.
final class PostgresPublisher: Sendable {
    private let conninfo: String
    private let connection = Mutex<PostgresConnection?>(nil)

    init(conninfo: String) { self.conninfo = conninfo }

    /// Whether this process holds the lock, taking it when nobody does (on a new connection
    /// when the old one broke). False while PostgreSQL cannot be reached. The held connection is
    /// asked each time: libpq sees a connection the server dropped (a restart, a failover) only
    /// when it is used, and the lock went with it.
    func hold() -> Bool {
        connection.withLock { held in
            if let open = held, (try? open.execute("SELECT 1", [])) != nil { return true }
            held = nil
            guard let fresh = try? PostgresConnection(conninfo),
                let taken = try? fresh.execute("SELECT pg_try_advisory_lock(?)", [StateSchema.publisherLock.databaseValue]).rows.first?[0]
                    as Bool?,
                taken
            else { return false }
            held = fresh
            return true
        }
    }
}
