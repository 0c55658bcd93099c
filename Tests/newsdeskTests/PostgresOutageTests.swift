import Foundation
import Synchronization
import TestSupport
import Testing

/// PostgreSQL stopped under a running daemon, in the middle of a cycle, and started again: the
/// daemon abandons the cycle, keeps what was stored, and goes on when the server answers, with
/// nothing half-written and nothing twice.
@Suite(.serialized) struct PostgresOutageTests {
    static let feeds = 36

    @Test func aCycleCutByAStoppedServerIsAbandonedAndTheNextGoesOn() throws {
        let server = try PostgresServer.ownCluster()
        let database = try server.database()
        let requests = Mutex(0)
        // Slow answers (two at a time), so that the cycle is still fetching when the server stops.
        let http = try LocalHTTPServer { request in
            guard let feed = Int(request.path.dropFirst(2)) else { return .init(status: 404) }
            requests.withLock { $0 += 1 }
            let rss = """
                <?xml version="1.0"?><rss version="2.0"><channel><title>Outlet \(feed)</title><link>https://o\(feed).example/</link>
                <item><title>Harbour report \(feed) on a quiet day</title><link>https://o\(feed).example/r\(feed)</link>
                <guid>r\(feed)</guid></item></channel></rss>
                """
            return .init(status: 200, headers: ["Content-Type": "application/rss+xml"], body: Array(rss.utf8), delay: 0.4)
        }
        defer { http.stop() }
        let folder = try BinaryRunner.temporaryFolder()
        var config = """
            [newsdesk]
            state = "\(database)"
            allow_private_networks = true
            output = "\(folder)/public"
            timeout = "5s"
            concurrency = 2
            per_host = 2

            """
        for feed in 0..<Self.feeds { config += "\n[[feed]]\nurl = \"\(http.baseURL)/f\(feed)\"\ninterval = \"1h\"\n" }
        try Data(config.utf8).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        let daemon = try RunningBinary(["run", "--config", folder + "/feeds.conf"])
        func sql(_ query: String) throws -> String { try PostgresServer.psql(database, query) }

        // Mid-cycle: some feeds fetched, most not; then the server goes away at once.
        #expect(daemon.wait(upTo: 60) { requests.withLock { $0 } >= 6 })
        try server.stop()
        #expect(daemon.wait(upTo: 30) { daemon.stderr.contains("cycle abandoned") }, "\(daemon.stderr.suffix(2000))")
        Thread.sleep(forTimeInterval: 2)
        #expect(daemon.process.isRunning, "the daemon stopped: \(daemon.stderr.suffix(2000))")
        try server.start()

        // The next cycle stores every feed and publishes.
        #expect(daemon.wait(upTo: 90) { (try? sql("SELECT count(*) FROM item")) == "\(Self.feeds)" }, "\(daemon.stderr.suffix(3000))")
        #expect(daemon.wait(upTo: 30) { FileManager.default.fileExists(atPath: folder + "/public/ranked.atom") })
        #expect(daemon.process.isRunning)
        daemon.signal(SIGTERM)
        #expect(daemon.wait(upTo: 15) { !daemon.process.isRunning })
        #expect(daemon.process.terminationStatus == 0, "\(daemon.stderr.suffix(2000))")

        // Nothing half-written: every feed stored with its item, each item once.
        #expect(try sql("SELECT count(DISTINCT feed_id) FROM item") == "\(Self.feeds)")
        #expect(try sql("SELECT count(*) FROM feed WHERE state = 'ok' AND last_success IS NOT NULL") == "\(Self.feeds)")
        #expect(try sql("SELECT count(*) FROM feed WHERE lease_owner IS NOT NULL") == "0")
        let ranked = try String(contentsOfFile: folder + "/public/ranked.atom", encoding: .utf8)
        #expect(ranked.contains("<entry>"), "\(ranked.prefix(1500))")
        #expect(daemon.stderr.contains("PostgreSQL is down or unreachable"), "\(daemon.stderr.suffix(2000))")
    }
}
