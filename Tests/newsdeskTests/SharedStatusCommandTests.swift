import Foundation
import TestSupport
import Testing

/// `newsdesk status` on a shared state: who publishes, and which daemon holds which feeds, in the
/// table and in `--json`.
@Suite struct SharedStatusCommandTests {
    @Test func statusNamesThePublisherAndTheDaemonFetchingEachFeed() throws {
        let database = try PostgresServer.shared.get().database()
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(TinyFeed.rss(["Harbour reopens"], host: "a.example").utf8).write(to: URL(fileURLWithPath: folder + "/a.rss"))
        try Data(TinyFeed.rss(["Bridge closes"], host: "b.example").utf8).write(to: URL(fileURLWithPath: folder + "/b.rss"))
        let config = folder + "/feeds.conf"
        let text =
            "[newsdesk]\nstate = \"\(database)\"\noutput = \"public\"\n\n[[feed]]\nurl = \"file:a.rss\"\n\n[[feed]]\nurl = \"file:b.rss\"\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: config))
        // This cycle's process was the publisher (nobody else held the lock).
        let once = try BinaryRunner.run(["once", "--all", "--config", config])
        #expect(once.status == 0, "\(once.stderr)")
        // Another daemon is fetching b.rss now.
        try PostgresServer.psql(
            database,
            "UPDATE feed SET lease_owner = 'poller-b:42', lease_until = extract(epoch FROM now()) + 600 WHERE url LIKE '%b.rss'")

        let status = try BinaryRunner.run(["status", "--config", config])
        #expect(status.status == 0, "\(status.stderr)")
        let lines = status.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("publisher: ") && $0.contains(", since ") }, "\(status.stdout)")
        #expect(lines.contains { $0.hasPrefix("fetching: poller-b:42 holds 1 feed until ") }, "\(status.stdout)")
        #expect(lines.contains { $0.contains("b.example") && $0.hasSuffix("being fetched by poller-b:42") }, "\(status.stdout)")
        #expect(!lines.contains { $0.contains("a.example") && $0.contains("being fetched") }, "\(status.stdout)")

        let json = try BinaryRunner.run(["status", "--json", "--config", config])
        #expect(json.status == 0, "\(json.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let b = try #require(rows.first { ($0["url"] as? String)?.hasSuffix("b.rss") == true })
        let a = try #require(rows.first { ($0["url"] as? String)?.hasSuffix("a.rss") == true })
        #expect(b["leased_by"] as? String == "poller-b:42")
        #expect((b["lease_until"] as? String)?.hasSuffix("Z") == true, "\(b)")
        #expect(a["leased_by"] is NSNull && a["lease_until"] is NSNull, "\(a)")
    }
}
