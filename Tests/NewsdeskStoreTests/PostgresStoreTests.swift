import Foundation
import Testing
import TestSupport

@testable import NewsdeskConfig
@testable import NewsdeskStore

/// What only a PostgreSQL state has: its address as `state` gives it, a password never shown,
/// and errors a user can act on (the server down, a read-only replica).
@Suite struct PostgresStoreTests {
    @Test func stateNamesPostgresByURLOrByLibpqWords() {
        #expect(StateLocation.isPostgres("postgresql://newsdesk@db1:5432/news?sslmode=require"))
        #expect(StateLocation.isPostgres("postgres://db1/news"))
        #expect(StateLocation.isPostgres("host=db1 dbname=news user=newsdesk"))
        #expect(StateLocation.isPostgres("dbname = news"))
        #expect(!StateLocation.isPostgres("state/newsdesk.sqlite"))
        #expect(!StateLocation.isPostgres("/var/lib/newsdesk/a=b.sqlite"))
        #expect(StateLocation.display("postgresql://newsdesk:s3cret@db1:5432/news") == "postgresql://newsdesk@db1:5432/news")
        #expect(StateLocation.display("host=db1 password=s3cret dbname=news") == "host=db1 dbname=news")
        #expect(StateLocation.display("postgresql://db1/news") == "postgresql://db1/news")
    }

    @Test func theConfigKeepsAPostgresStateAsItIs() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-pgconf-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/feeds.conf"
        try "[newsdesk]\nstate = \"host=127.0.0.1 dbname=news\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try ConfigLoader.load(path: path).settings.state == "host=127.0.0.1 dbname=news")
    }

    @Test func thePasswordIsNeverShown() throws {
        let url = try PostgresServer.shared.get().database()
        let withPassword = url.replacingOccurrences(of: "newsdesk@", with: "newsdesk:hunter2secret@")
        let store = try StateStore(path: withPassword)
        #expect(!store.path.contains("hunter2secret"))
        #expect(store.path.hasPrefix("postgresql://newsdesk@127.0.0.1:"))
        #expect(store.created)
        #expect(try !StateStore(path: withPassword).created)
        let words = "host=127.0.0.1 port=1 dbname=x password=hunter2secret"
        do {
            _ = try StateStore(path: words)
            Issue.record("a closed port was opened")
        } catch {
            #expect(!error.description.contains("hunter2secret"), "\(error)")
        }
    }

    @Test func aServerThatIsDownIsSaidSo() throws {
        let (probe, port) = try LoopbackListener.listeningSocket()
        close(probe)  // nothing listens there now
        do throws(StoreError) {
            _ = try StateStore(path: "postgresql://newsdesk@127.0.0.1:\(port)/news?connect_timeout=2")
            Issue.record("a closed port was opened")
        } catch {
            #expect(error.message.contains("cannot open the state database"), "\(error)")
            #expect(error.message.contains("down or unreachable"), "\(error)")
            #expect(error.path == "postgresql://newsdesk@127.0.0.1:\(port)/news")
        }
    }

    @Test func aReadOnlyServerIsNamedAsSuch() throws {
        let url = try PostgresServer.shared.get().database()
        _ = try StateStore(path: url)
        let name = String(url.split(separator: "/").last ?? "")
        // As a hot standby refuses writes: every new session of the database is read-only.
        try PostgresServer.psql(url, "ALTER DATABASE \(name) SET default_transaction_read_only = on")
        do throws(StoreError) {
            _ = try StateStore(path: url)
            Issue.record("a read-only database was opened for writing")
        } catch {
            #expect(error.message.contains("read-only replica"), "\(error)")
        }
    }

    @Test func connectionsTheServerDroppedAreReplaced() throws {
        let url = try PostgresServer.shared.get().database()
        let store = try StateStore(path: url)
        try store.syncFeeds([FeedConfig(url: "https://a.example/feed")])
        let name = String(url.split(separator: "/").last ?? "")
        try PostgresServer.psql(
            url.replacingOccurrences(of: "/" + name, with: "/postgres"),
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)' AND pid <> pg_backend_pid()")
        // The dropped connections are replaced before any statement is sent on them.
        #expect(try store.syncFeeds([FeedConfig(url: "https://a.example/feed")]).count == 1)
        #expect(try store.feed(url: "https://a.example/feed") != nil)
    }
}
