import Foundation
import Testing

/// Published links go without their tracking parameters (ranked.atom, the digest, the web
/// edition), and as the feed gave them with `clean_links = false`.
@Suite struct CleanLinksCommandTests {
    static let link = "https://a.example/harbour?id=4&amp;utm_source=rss&amp;utm_medium=feed&amp;fbclid=XY#more"

    /// The three outputs of one `once` over a feed whose item link tracks clicks.
    static func outputs(cleanLinks: Bool?) throws -> [String: String] {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rss = """
            <?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Gazette</title>
            <link>https://a.example/?utm_source=rss</link>
            <item><title>Harbour reopens after the storm</title><link>\(link)</link><guid>h1</guid>
            <pubDate>Fri, 27 Nov 2026 05:10:00 GMT</pubDate></item></channel></rss>
            """
        try Data(rss.utf8).write(to: URL(fileURLWithPath: folder + "/a.rss"))
        let key = cleanLinks.map { "clean_links = \($0)\n" } ?? ""
        let config = "[newsdesk]\nstate = \"state.sqlite\"\noutput = \"public\"\n\(key)\n[[feed]]\nurl = \"file:a.rss\"\n"
        try Data(config.utf8).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        let once = try BinaryRunner.run(
            ["once", "--all", "--config", folder + "/feeds.conf"], environment: ["NEWSDESK_NOW": "2026-11-27T05:30:00Z"])
        #expect(once.status == 0, "\(once.stderr)")
        var files: [String: String] = [:]
        for name in ["ranked.atom", "digest/latest.md", "index.html"] {
            files[name] = try String(contentsOfFile: folder + "/public/" + name, encoding: .utf8)
        }
        return files
    }

    @Test func publishedLinksGoWithoutTrackingParameters() throws {
        for (name, text) in try Self.outputs(cleanLinks: nil) {
            #expect(text.contains("https://a.example/harbour?id=4#more"), "\(name):\n\(text)")
            #expect(!text.contains("utm_"), "\(name):\n\(text)")
            #expect(!text.contains("fbclid"), "\(name):\n\(text)")
        }
    }

    @Test func cleanLinksOffKeepsThemAsTheFeedGaveThem() throws {
        for (name, text) in try Self.outputs(cleanLinks: false) {
            let raw = name.hasSuffix(".md") ? Self.link.replacingOccurrences(of: "&amp;", with: "&") : Self.link
            #expect(text.contains(raw), "\(name):\n\(text)")
        }
    }
}
