import Foundation
import GRDB
import NewsdeskConfig
import NewsdeskParse
import NewsdeskPublish
import TestSupport
import Testing

/// What the real binary must never republish: a feed URL's secrets, or text of any length.
@Suite struct PublishSafetyTests {
    static let user = "alice-user-7q"
    static let password = "hunter2-secret-9z"
    static let token = "tok-5ecret-value-3k"

    /// Every file under `folder`, read whole.
    static func files(under folder: String) throws -> [(path: String, data: Data)] {
        try FileManager.default.subpathsOfDirectory(atPath: folder).compactMap { file in
            FileManager.default.contents(atPath: folder + "/" + file).map { (file, $0) }
        }
    }

    /// The ids in the `atom:source` elements of an Atom document.
    static func sourceIDs(_ text: String) -> [String] {
        text.components(separatedBy: "<source>\n      <id>").dropFirst().compactMap { $0.components(separatedBy: "</id>").first }
    }

    @Test func aFeedURLsCredentialsAndQueryAreNeverPublished() throws {
        // The private feed has no title of its own (it would be named by its URL) and echoes
        // its token in its site link and in one article's link.
        let privateFeed = """
            <?xml version="1.0"?><rss version="2.0"><channel><link>https://site.example/?token=\(Self.token)</link>
            <item><guid>p1</guid><title>Harbour fire spreads to the ferry terminal</title><link>https://site.example/p1?token=\(Self.token)</link></item>
            <item><guid>p2</guid><title>Regatta postponed by the storm</title><link>https://site.example/p2</link></item>
            </channel></rss>
            """
        let server = try LocalHTTPServer { request in
            if request.path.hasPrefix("/private?") { return .init(text: privateFeed) }
            if request.path == "/open" {
                return .init(text: PublishCommandTests.rss("Museum reopens its doors", link: "https://o.example/m"))
            }
            return .init(status: 404)
        }
        defer { server.stop() }
        let secretURL =
            server.baseURL.replacingOccurrences(of: "http://", with: "http://\(Self.user):\(Self.password)@")
            + "/private?token=\(Self.token)"
        let folder = try BinaryRunner.temporaryFolder()
        try Data(
            """
            [newsdesk]
            state = "state.sqlite"
            output = "public"
            allow_private_networks = true
            [[feed]]
            url = "\(secretURL)"
            [[feed]]
            url = "\(server.baseURL)/open"

            """.utf8
        ).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        let first = try PublishCommandTests.once(folder, at: "2026-11-27T05:30:00Z")
        #expect(first.status == 0, "\(first.stderr)")
        let before = try PublishCommandTests.read(folder + "/public/ranked.atom")
        // After the hour: the 05 archive and digest are written too.
        #expect(try PublishCommandTests.once(folder, at: "2026-11-27T06:10:00Z").status == 0)
        let after = try PublishCommandTests.read(folder + "/public/ranked.atom")
        let archive = try PublishCommandTests.read(folder + "/public/archive/2026/11/27/05.atom")

        let published = try Self.files(under: folder + "/public")
        #expect(published.count >= 4)
        for (file, data) in published {
            for secret in [Self.user, Self.password, Self.token, "token="] {
                #expect(data.range(of: Data(secret.utf8)) == nil, "\(file) carries \(secret)")
            }
        }
        // The source id stands in for the URL: stable across publishes and in the archive.
        let privateID = PublicFeedURL.sourceID(secretURL)
        #expect(Set(Self.sourceIDs(before)) == [privateID, PublicFeedURL.sourceID(server.baseURL + "/open")])
        #expect(Set(Self.sourceIDs(after)) == Set(Self.sourceIDs(before)) && Set(Self.sourceIDs(archive)) == Set(Self.sourceIDs(before)))
        // Only the URL with nothing to hide is published as the source's own link.
        #expect(after.contains("<link rel=\"self\" href=\"\(server.baseURL)/open\"/>"))
        #expect(after.components(separatedBy: "<link rel=\"self\" href=").count == 2)
        // The nameless feed is named by its URL without credentials or query.
        #expect(after.contains("<name>\(server.baseURL)/private</name>"))
        let ranked = try PublishCommandTests.atom(folder + "/public/ranked.atom")
        #expect(ranked.items.contains { $0.title == "Harbour fire spreads to the ferry terminal" && $0.link == nil })
        #expect(ranked.items.contains { $0.title == "Regatta postponed by the storm" && $0.link == "https://site.example/p2" })

        // `stories --json` is local, but pasted and piped: the same redacted URL and id.
        let stories = try BinaryRunner.run(["stories", "--json", "--window", "100000h", "--config", folder + "/feeds.conf"])
        #expect(stories.status == 0)
        for secret in [Self.user, Self.password, Self.token] { #expect(!stories.stdout.contains(secret)) }
        let list = try #require(try JSONSerialization.jsonObject(with: Data(stories.stdout.utf8)) as? [[String: Any]])
        let sources = list.flatMap { $0["sources"] as? [[String: Any]] ?? [] }
        #expect(sources.contains { $0["url"] as? String == server.baseURL + "/private" && $0["source_id"] as? String == privateID })
    }

    @Test func hugeTitlesAreCutToTheirCapsInTheDatabaseAndEveryOutput() throws {
        let megabytes = 4_000_000
        let family = "👨\u{200D}👩\u{200D}👧\u{200D}👦"
        let items = [
            ("huge", "Huge " + String(repeating: "T", count: megabytes), "https://h.example/huge"),
            ("long-link", "Lighthouse keeper retires", "https://h.example/" + String(repeating: "l", count: megabytes)),
            ("cjk", String(repeating: "中", count: 100_000), "https://h.example/cjk"),
            ("emoji", String(repeating: family, count: 10_000), "https://h.example/emoji"),
            ("accents", String(repeating: "e\u{301}", count: 10_000), "https://h.example/accents"),
        ]
        let document =
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed " + String(repeating: "F", count: megabytes)
            + "</title><link>https://h.example/</link>"
            + items.map { "<item><guid>\($0.0)</guid><title>\($0.1)</title><link>\($0.2)</link></item>" }.joined()
            + "<item><guid>text</guid><title>Council publishes the full budget</title><description>"
            + String(repeating: "word ", count: megabytes / 5)
            + "</description><link>https://h.example/text</link></item></channel></rss>"
        let body = Array(document.utf8)
        let server = try LocalHTTPServer(routes: ["/huge": .init(body: body)])
        defer { server.stop() }
        let folder = try BinaryRunner.temporaryFolder()
        try Data(
            """
            [newsdesk]
            state = "state.sqlite"
            output = "public"
            max_body = "32MiB"
            allow_private_networks = true
            per_source_top = 10
            [[feed]]
            url = "\(server.baseURL)/huge"

            """.utf8
        ).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        let run = try PublishCommandTests.once(folder, at: "2026-11-27T05:30:00Z")
        #expect(run.status == 0, "\(run.stderr)")

        for file in ["ranked.atom", "digest/latest.md"] {
            let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/public/" + file))
            #expect(data.count < 64 << 10, "\(file) is \(data.count) bytes")
            #expect(String(data: data, encoding: .utf8) != nil, "\(file) is not valid UTF-8")
        }
        let ranked = try PublishCommandTests.atom(folder + "/public/ranked.atom")
        let titles = Set(ranked.items.compactMap(\.title))
        #expect(titles.contains("Huge " + String(repeating: "T", count: 295) + "…"))
        #expect(titles.contains(String(repeating: "中", count: 300) + "…"))
        #expect(titles.contains(String(repeating: family, count: 42) + "…"), "300 scalars hold 42 whole families of 7")
        #expect(titles.contains(String(repeating: "e\u{301}", count: 150) + "…"))
        // A 4 MB link is left out, not cut: the entry carries its text instead.
        #expect(ranked.items.contains { $0.title == "Lighthouse keeper retires" && $0.link == nil })
        let text = try PublishCommandTests.read(folder + "/public/ranked.atom")
        #expect(text.contains("<title>Feed " + String(repeating: "F", count: 295) + "…</title>"))
        let excerpt = try #require(ranked.items.first { $0.title == "Council publishes the full budget" }?.excerpt)
        #expect(excerpt.hasSuffix("…") && excerpt.unicodeScalars.count < 400)

        // The database holds the cut titles, not 4 MB ones.
        let queue = try DatabaseQueue(path: folder + "/state.sqlite")
        let longest = try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT max(max(length(title)), max(length(excerpt))) FROM item") ?? 0
        }
        #expect(longest <= 301)
        #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT max(length(title)) FROM feed") ?? 0 } == 301)

        // `newsdesk parse` cuts with the same defaults.
        let file = try BinaryRunner.temporaryFile(document)
        let parsed = try BinaryRunner.run(["parse", "--json", "--max-bytes", "33554432", file])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        #expect(parsed.stdout.contains("Huge " + String(repeating: "T", count: 295) + "…"))
    }
}
