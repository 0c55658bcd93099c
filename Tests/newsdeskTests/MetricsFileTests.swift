import Foundation
import TestSupport
import Testing

/// `metrics_file`: Prometheus's text format after every cycle, checked by Prometheus's own
/// `promtool` (Debian's `prometheus` package).
@Suite struct MetricsFileTests {
    @Test func onceWritesMetricsPromtoolAccepts() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(TinyFeed.rss(["Harbour reopens", "Bridge closes"], host: "a.example").utf8)
            .write(to: URL(fileURLWithPath: folder + "/a.rss"))
        try Data("<html><body>not a feed</body></html>".utf8).write(to: URL(fileURLWithPath: folder + "/broken.rss"))
        let config = """
            [newsdesk]
            state = "state.sqlite"
            output = "public"
            metrics_file = "metrics/newsdesk.prom"

            [[feed]]
            url = "file:a.rss"

            [[feed]]
            url = "file:broken.rss"
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        let once = try BinaryRunner.run(
            ["once", "--all", "--config", folder + "/feeds.conf"], environment: ["NEWSDESK_NOW": "2026-11-27T05:30:00Z"])
        #expect(once.status == 0, "\(once.stderr)")
        let path = folder + "/metrics/newsdesk.prom"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for line in [
            "newsdesk_feeds{state=\"ok\"} 1", "newsdesk_feeds{state=\"backoff\"} 1", "newsdesk_cycle_fetches{outcome=\"fetched\"} 1",
            "newsdesk_cycle_fetches{outcome=\"failed\"} 1", "newsdesk_cycle_new_items 2", "newsdesk_items 2", "newsdesk_stories 2",
            "newsdesk_last_good_cycle_timestamp_seconds 1795757400",
        ] {
            #expect(text.contains(line + "\n"), "\(line) in\n\(text)")
        }
        let bytes = try #require(text.split(separator: "\n").first { $0.hasPrefix("newsdesk_cycle_fetched_bytes ") })
        let size = try FileManager.default.attributesOfItem(atPath: folder + "/a.rss")[.size] as? Int
        #expect(Int(bytes.split(separator: " ")[1]) ?? 0 >= size ?? .max, "\(bytes)")
        #expect(!text.contains("newsdesk_publisher"), "an SQLite state has no daemons to tell apart")
        try Self.expectPromtoolAccepts(path)
    }

    /// `promtool check metrics` on the file at `path`: no complaint.
    static func expectPromtoolAccepts(_ path: String) throws {
        let promtool = Process()
        promtool.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
        promtool.arguments = ["check", "metrics"]
        promtool.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        let report = Pipe()
        promtool.standardOutput = report
        promtool.standardError = report
        try promtool.run()
        let said = String(decoding: report.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        promtool.waitUntilExit()
        #expect(promtool.terminationStatus == 0 && said.isEmpty, "promtool: \(said)")
    }

    /// On PostgreSQL every daemon writes its own file: its cycle, whether it published, and
    /// the leases of all.
    @Test func onASharedStateEachDaemonWritesItsOwnFigures() throws {
        let database = try PostgresServer.shared.get().database()
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(TinyFeed.rss(["Harbour reopens"], host: "a.example").utf8).write(to: URL(fileURLWithPath: folder + "/a.rss"))
        try Data(TinyFeed.rss(["Bridge closes"], host: "b.example").utf8).write(to: URL(fileURLWithPath: folder + "/b.rss"))
        for name in ["publisher", "poller"] {
            let config = """
                [newsdesk]
                state = "\(database)"
                output = "\(name)-public"
                metrics_file = "\(name).prom"

                [[feed]]
                url = "file:a.rss"

                [[feed]]
                url = "file:b.rss"
                """
            try Data(config.utf8).write(to: URL(fileURLWithPath: folder + "/\(name).conf"))
        }
        let daemon = try RunningBinary(["run", "--config", folder + "/publisher.conf"])
        defer { daemon.signal(SIGTERM) }
        let publisherLine = ":\(daemon.process.processIdentifier)\"} 1\n"
        #expect(
            daemon.wait(upTo: 30) {
                ((try? String(contentsOfFile: folder + "/publisher.prom", encoding: .utf8)) ?? "").split(separator: "\n")
                    .contains { $0.hasPrefix("newsdesk_publisher{daemon=\"") && ($0 + "\n").hasSuffix(publisherLine) }
            },
            "\(daemon.stderr)")

        // A second daemon (one cycle of `once`) polls, leaves the rest to the publisher, and says so.
        let once = try BinaryRunner.run(["once", "--all", "--config", folder + "/poller.conf"])
        #expect(once.status == 0, "\(once.stderr)")
        let text = try String(contentsOfFile: folder + "/poller.prom", encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("newsdesk_publisher{daemon=\"") && $0.hasSuffix("\"} 0") }, "\(text)")
        #expect(lines.contains { $0.hasPrefix("newsdesk_cycle_fetches{outcome=") && !$0.hasSuffix(" 0") }, "\(text)")
        #expect(text.contains("# TYPE newsdesk_leased_feeds gauge\n"), "\(text)")
        #expect(text.contains("newsdesk_items 2\n"), "the counts are the database's: \(text)")
        #expect(once.stdout.contains("folding and publishing left to the publishing daemon"), "\(once.stdout)")
        try Self.expectPromtoolAccepts(folder + "/poller.prom")

        // A second `run` polls and writes its metrics, and publishes nothing, not even on start.
        try FileManager.default.removeItem(atPath: folder + "/poller.prom")
        try PostgresServer.psql(database, "UPDATE feed SET next_due = 0")
        let poller = try RunningBinary(["run", "--config", folder + "/poller.conf"])
        let pollerLine = ":\(poller.process.processIdentifier)\"} 0"
        #expect(
            poller.wait(upTo: 30) {
                ((try? String(contentsOfFile: folder + "/poller.prom", encoding: .utf8)) ?? "").split(separator: "\n")
                    .contains { $0.hasPrefix("newsdesk_publisher{daemon=\"") && $0.hasSuffix(pollerLine) }
            }, "\(poller.stderr)")
        poller.signal(SIGTERM)
        #expect(poller.wait(upTo: 10) { !poller.process.isRunning })
        #expect(!FileManager.default.fileExists(atPath: folder + "/poller-public/ranked.atom"), "a poller published")
        #expect(FileManager.default.fileExists(atPath: folder + "/publisher-public/ranked.atom"))
    }

    /// The daemon rewrites the file after each cycle.
    @Test func theDaemonWritesItAfterACycle() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(TinyFeed.rss(["Harbour reopens"], host: "a.example").utf8).write(to: URL(fileURLWithPath: folder + "/a.rss"))
        let config = "[newsdesk]\nstate = \"state.sqlite\"\nmetrics_file = \"newsdesk.prom\"\n\n[[feed]]\nurl = \"file:a.rss\"\n"
        try Data(config.utf8).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        let daemon = try RunningBinary(["run", "--config", folder + "/feeds.conf"])
        let path = folder + "/newsdesk.prom"
        let written = daemon.wait(upTo: 30) {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").contains("newsdesk_cycle_new_items 1\n")
        }
        daemon.signal(SIGTERM)
        #expect(daemon.wait(upTo: 10) { !daemon.process.isRunning })
        #expect(written, "\(daemon.stderr)")
    }
}
