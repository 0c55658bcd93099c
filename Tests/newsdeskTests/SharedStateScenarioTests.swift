import Foundation
import Synchronization
import TestSupport
import Testing

/// Three `newsdesk run` daemons on one PostgreSQL state, against loopback servers of a few
/// hundred feeds with short intervals: every feed fetched once per interval, every period
/// published once, and `kill -9` of the publisher and of a poller mid-fetch taken over by the
/// survivors, nothing lost.
@Suite(.serialized) struct SharedStateScenarioTests {
    static let feeds = 240
    static let servers = 4
    static let interval: TimeInterval = 20

    /// A server's requests: feed number and when.
    final class RequestLog: Sendable {
        let entries = Mutex<[(feed: Int, at: Date)]>([])
        var all: [(feed: Int, at: Date)] { entries.withLock { $0 } }
    }

    static func rss(_ feed: Int) -> String {
        """
        <?xml version="1.0"?><rss version="2.0"><channel><title>Outlet \(feed)</title><link>https://o\(feed).example/</link>
        <item><title>Report number \(feed) from outlet \(feed)</title><link>https://o\(feed).example/story-\(feed)</link>
        <guid>story-\(feed)</guid></item></channel></rss>
        """
    }

    @Test func threeDaemonsShareTheWorkAndSurviveKills() throws {
        let database = try PostgresServer.shared.get().database()
        let log = RequestLog()
        // One feed in six answers slowly, so that a poller is caught mid-fetch.
        let servers = try (0..<Self.servers).map { _ in
            try LocalHTTPServer { request in
                guard let feed = Int(request.path.dropFirst(2)) else { return .init(status: 404) }
                log.entries.withLock { $0.append((feed, Date())) }
                return .init(
                    status: 200, headers: ["Content-Type": "application/rss+xml"], body: Array(Self.rss(feed).utf8),
                    delay: feed % 6 == 0 ? 1.5 : 0)
            }
        }
        defer { servers.forEach { $0.stop() } }
        let folder = try BinaryRunner.temporaryFolder()
        var config = """
            [newsdesk]
            state = "\(database)"
            allow_private_networks = true
            output = "public"
            publish_every = "1m"
            timeout = "2s"
            concurrency = 4
            per_host = 2

            """
        for feed in 0..<Self.feeds {
            config += "\n[[feed]]\nurl = \"\(servers[feed % Self.servers].baseURL)/f\(feed)\"\ninterval = \"20s\"\n"
        }
        try Data(config.utf8).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        let environment = ["NEWSDESK_MIN_INTERVAL": "10"]
        var daemons = try (0..<3).map { _ in try RunningBinary(["run", "--config", folder + "/feeds.conf"], environment: environment) }
        func sql(_ query: String) throws -> String { try PostgresServer.psql(database, query) }

        // Every feed fetched, and stored, by the three together.
        #expect(daemons[0].wait(upTo: 60) { (try? sql("SELECT count(*) FROM item")) == "\(Self.feeds)" })
        #expect(daemons[0].wait(upTo: 30) { !((try? sql("SELECT owner FROM publisher")) ?? "").isEmpty })
        let publisherOwner = try sql("SELECT owner FROM publisher")
        let publisher = try #require(daemons.firstIndex { publisherOwner.hasSuffix(":\($0.process.processIdentifier)") })
        #expect(daemons.allSatisfy { $0.process.isRunning })

        // A poller caught holding leases (mid-fetch), killed; then the publisher.
        let poller = try #require((0..<3).first { $0 != publisher })
        let pollerName = ":\(daemons[poller].process.processIdentifier)"
        #expect(
            daemons[poller].wait(upTo: 60) {
                ((try? sql("SELECT count(*) FROM feed WHERE lease_owner LIKE '%\(pollerName)'")) ?? "0") != "0"
            })
        daemons[poller].signal(SIGKILL)
        let stranded = try sql("SELECT count(*) FROM feed WHERE lease_owner LIKE '%\(pollerName)'")
        let killedAt = Date()
        daemons[publisher].signal(SIGKILL)
        #expect(daemons[publisher].wait(upTo: 5) { !daemons[publisher].process.isRunning })
        let survivor = try #require((0..<3).first { $0 != publisher && $0 != poller })

        // The survivor publishes within a minute and takes over the stranded leases after they expire.
        #expect(
            daemons[survivor].wait(upTo: 75) {
                ((try? sql("SELECT owner FROM publisher")) ?? "").hasSuffix(":\(daemons[survivor].process.processIdentifier)")
            }, "the survivor (running: \(daemons[survivor].process.isRunning)) said:\n\(daemons[survivor].stderr.suffix(4000))")
        let takeover = Date().timeIntervalSince(killedAt)
        #expect(takeover < 75, "the publisher was taken over after \(takeover) s")
        #expect(
            daemons[survivor].wait(upTo: 90) {
                (try? sql("SELECT count(*) FROM feed WHERE lease_owner LIKE '%\(pollerName)'")) == "0"
            }, "\(stranded) feeds stranded by the killed poller")
        // Another period comes and goes under the new publisher, and at least two in all (a fast
        // run may reach here before the first boundary), to check they follow one another.
        let periods = try Int(sql("SELECT count(*) FROM published")) ?? 0
        #expect(
            daemons[survivor].wait(upTo: 135) {
                let now = Int((try? sql("SELECT count(*) FROM published")) ?? "") ?? 0
                return now > periods && now >= 2
            })
        daemons[survivor].signal(SIGTERM)
        #expect(daemons[survivor].wait(upTo: 15) { !daemons[survivor].process.isRunning })
        daemons.removeAll()

        // Nothing lost, nothing twice: one row per item, the periods one after the other.
        #expect(try sql("SELECT count(*) FROM item") == "\(Self.feeds)")
        #expect(try sql("SELECT count(DISTINCT feed_id) FROM item") == "\(Self.feeds)")
        let starts = try sql("SELECT period_start FROM published ORDER BY period_start").split(separator: "\n").compactMap { Double($0) }
        #expect(starts.count >= 2)
        #expect(zip(starts, starts.dropFirst()).allSatisfy { $1 - $0 == 60 }, "\(starts)")
        // Once per interval: no feed fetched twice within less than its interval (its jitter and
        // the gathering of nearly due feeds allowed for); every feed fetched again after the kills.
        let requests = Dictionary(grouping: log.all, by: \.feed).mapValues { $0.map(\.at).sorted() }
        #expect(requests.count == Self.feeds)
        var early: [String] = []
        for (feed, times) in requests {
            for (a, b) in zip(times, times.dropFirst()) where b.timeIntervalSince(a) < Self.interval * 0.7 {
                early.append("f\(feed): \(String(format: "%.1f", b.timeIntervalSince(a))) s")
            }
        }
        #expect(early.isEmpty, "fetched twice within an interval: \(early.prefix(10))")
        let late = requests.filter { $0.value.last.map { $0 < killedAt } ?? true }.keys.sorted()
        #expect(late.isEmpty, "never fetched after the kills: \(late.prefix(10))")
    }
}
