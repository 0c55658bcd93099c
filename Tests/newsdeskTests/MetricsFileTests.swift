import Foundation
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
