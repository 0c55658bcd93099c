import Foundation
import TestSupport
import Testing

/// The real binary against a local server: a clock that ran years ahead and came back, and a
/// feed taken out of the config and put back.
@Suite struct ClockAndRemovalCommandTests {
    /// A folder whose feeds.conf lists `urls` (loopback allowed), state and output inside it.
    static func folder(_ urls: [String]) throws -> String {
        let folder = try BinaryRunner.temporaryFolder()
        try write(urls, to: folder)
        return folder
    }

    static func write(_ urls: [String], to folder: String) throws {
        var text = "[newsdesk]\nstate = \"state/newsdesk.sqlite\"\noutput = \"public\"\nallow_private_networks = true\n"
        for url in urls { text += "\n[[feed]]\nurl = \"\(url)\"\n" }
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
    }

    static func status(_ folder: String) throws -> [[String: Any]] {
        let run = try BinaryRunner.run(["status", "--json", "--config", folder + "/feeds.conf"])
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
    }

    /// A server with one feed, and a folder where `once` polled it with the clock in 2031.
    static func ranAhead() throws -> (server: LocalHTTPServer, folder: String) {
        let server = try LocalHTTPServer(routes: [
            "/wire": .init(text: TinyFeed.rss(["Harbour bridge reopens after repairs"], host: "wire.example"))
        ])
        let folder = try Self.folder([server.baseURL + "/wire"])
        let ahead = try BinaryRunner.run(
            ["once", "--config", folder + "/feeds.conf"], environment: ["NEWSDESK_NOW": "2031-06-01T12:00:00Z"])
        #expect(ahead.status == 0 && ahead.stdout.contains("1 new items"))
        #expect(server.received.count == 1)
        return (server, folder)
    }

    @Test func aClockThatRanYearsAheadAndCameBackPollsAgainAndKeepsTheRanking() throws {
        let (server, folder) = try Self.ranAhead()
        defer { server.stop() }
        let config = folder + "/feeds.conf"
        let back = try BinaryRunner.run(["once", "--config", config])
        #expect(back.status == 0)
        #expect(server.received.count == 2)  // due now, not in 2031
        #expect(back.stdout.contains("polled 1 of 1 feeds"))
        #expect(back.stderr.contains("feed=\(server.baseURL)/wire") && back.stderr.contains("next_due 2031-06-01T12:30:00Z"))
        #expect(back.stderr.contains("further ahead than the longest wait"))
        #expect(back.stderr.contains("last_success 2031-06-01T12:00:00Z is in the future"))
        let atom = try String(contentsOfFile: folder + "/public/ranked.atom", encoding: .utf8)
        #expect(atom.contains("Harbour bridge reopens after repairs"))
        let rows = try Self.status(folder)
        let due = try #require((rows.first?["next_due"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
        #expect(due < Date().addingTimeInterval(2 * 86_400))
        let success = try #require((rows.first?["last_success"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
        #expect(success <= Date().addingTimeInterval(60))
        // Once repaired, nothing more to say.
        let calm = try BinaryRunner.run(["once", "--config", config])
        #expect(!calm.stderr.contains("in the future") && !calm.stderr.contains("further ahead"))
    }

    @Test func aDaemonStartedAfterTheClockCameBackPollsAtOnce() throws {
        let (server, folder) = try Self.ranAhead()
        defer { server.stop() }
        let daemon = try RunningBinary(["run", "--config", folder + "/feeds.conf"])
        #expect(daemon.wait(upTo: 10) { server.received.count == 2 })
        #expect(daemon.stderr.contains("next_due 2031-06-01T12:30:00Z is further ahead than the longest wait"))
        daemon.signal(SIGTERM)
        try #require(daemon.wait(upTo: 10) { !daemon.process.isRunning })
        #expect(daemon.process.terminationStatus == 0)
    }

    @Test func aFeedRemovedFromTheConfigLeavesTheRankingsAndComesBackWithoutRepeats() throws {
        // Each fetch of /gone is a new document (its channel says which), with the same items.
        let version = Counter()
        let server = try LocalHTTPServer { request in
            guard request.path == "/gone" else {
                return .init(text: TinyFeed.rss(["Council approves the new tram line"], host: "kept.example"))
            }
            version.increment()
            let rss = TinyFeed.rss(["Storm closes mountain passes", "Library opens late on Fridays"], host: "gone.example")
            return .init(text: rss.replacingOccurrences(of: "<channel>", with: "<channel><description>v\(version.value)</description>"))
        }
        defer { server.stop() }
        let (kept, gone) = (server.baseURL + "/kept", server.baseURL + "/gone")
        let folder = try Self.folder([kept, gone])
        let config = folder + "/feeds.conf"
        let first = try BinaryRunner.run(["once", "--config", config])
        #expect(first.stdout.contains("3 new items"))
        let before = try BinaryRunner.run(["stories", "--json", "--config", config])
        #expect(before.stdout.contains("Storm closes mountain passes"))

        try Self.write([kept], to: folder)
        let second = try BinaryRunner.run(["once", "--all", "--config", config])
        #expect(second.status == 0 && second.stdout.contains("polled 1 of 1 feeds"))
        let stories = try BinaryRunner.run(["stories", "--json", "--config", config])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(stories.stdout.utf8)) as? [[String: Any]])
        #expect(list.count == 1)
        #expect(!stories.stdout.contains("gone.example") && !stories.stdout.contains("Storm closes"))
        let atom = try String(contentsOfFile: folder + "/public/ranked.atom", encoding: .utf8)
        #expect(atom.contains("Council approves the new tram line"))
        #expect(!atom.contains("Storm closes mountain passes") && !atom.contains("Library opens late"))
        let digest = try String(contentsOfFile: folder + "/public/digest/latest.md", encoding: .utf8)
        #expect(!digest.contains("Storm closes mountain passes"))
        let rows = try Self.status(folder)
        #expect(rows.map { $0["url"] as? String } == [kept, gone])
        #expect(rows[1]["state"] as? String == "removed" && rows[1]["items"] as? Int == 2)
        #expect(rows[1]["next_due"] is NSNull)
        #expect(rows[1]["note"] as? String == "no longer in the config; items kept until retention")
        let table = try BinaryRunner.run(["status", "--config", config])
        #expect(table.stdout.contains("removed") && table.stdout.contains("no longer in the config; items kept until retention"))

        try Self.write([kept, gone], to: folder)
        let third = try BinaryRunner.run(["once", "--all", "--config", config])
        #expect(third.stdout.contains("polled 2 of 2 feeds") && third.stdout.contains("0 new items"))
        #expect(server.received.filter { $0.path == "/gone" }.count == 2)
        let back = try Self.status(folder)
        #expect(back.map { $0["state"] as? String } == ["not_modified", "ok"] && back[1]["items"] as? Int == 2)
        let again = try BinaryRunner.run(["stories", "--json", "--config", config])
        #expect(again.stdout.contains("Storm closes mountain passes"))
    }
}
