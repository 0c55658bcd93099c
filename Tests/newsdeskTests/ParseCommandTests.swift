import Foundation
import TestSupport
import Testing

@Suite("newsdesk parse, end to end with the real binary")
struct ParseCommandTests {
    static let feed = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0"><channel><title>Loopback News</title><link>/</link>
        <item><title>Local story</title><link>/story/1</link><guid isPermaLink="false">ls-1</guid>
        <pubDate>Tue, 10 Jun 2025 08:30:00 +0200</pubDate><dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">Reporter</dc:creator>
        <category>Local</category><description>&lt;p&gt;Hello&lt;/p&gt;</description>
        <enclosure url="/a.mp3" type="audio/mpeg" length="42"/></item>
        </channel></rss>
        """

    func decode(_ text: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any])
    }

    @Test func jsonShapeFromAFile() throws {
        let path = try BinaryRunner.temporaryFile(Self.feed)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try BinaryRunner.run(["parse", "--json", "--base-url", "https://base.example/feeds/x.rss", path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try decode(result.stdout)
        #expect(json["format"] as? String == "rss2.0")
        #expect(json["title"] as? String == "Loopback News")
        #expect(json["link"] as? String == "https://base.example/")
        let items = try #require(json["items"] as? [[String: Any]])
        #expect(items.count == 1)
        let item = items[0]
        #expect(item["id"] as? String == "ls-1")
        #expect(item["title"] as? String == "Local story")
        #expect(item["link"] as? String == "https://base.example/story/1")
        #expect(item["published"] as? String == "2025-06-10T06:30:00Z")
        #expect(item["updated"] is NSNull)
        #expect(item["authors"] as? [String] == ["Reporter"])
        #expect(item["categories"] as? [String] == ["Local"])
        #expect(item["summary"] as? String == "<p>Hello</p>")
        #expect(item["content"] is NSNull)
        let enclosures = try #require(item["enclosures"] as? [[String: Any]])
        #expect(enclosures.first?["url"] as? String == "https://base.example/a.mp3")
        #expect(enclosures.first?["type"] as? String == "audio/mpeg")
        #expect(enclosures.first?["length"] as? Int == 42)
    }

    @Test func overHTTPWithLibcurl() throws {
        let server = try LocalHTTPServer(routes: [
            "/feed.xml": .init(headers: ["Content-Type": "application/rss+xml; charset=utf-8"], body: Array(Self.feed.utf8)),
            "/moved": .init(status: 301, headers: ["Location": "/feed.xml"]),
        ])
        defer { server.stop() }
        let result = try BinaryRunner.run(["parse", "--json", server.baseURL + "/moved"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try decode(result.stdout)
        let items = try #require(json["items"] as? [[String: Any]])
        #expect(items.first?["link"] as? String == server.baseURL + "/story/1", "links resolve against the final URL")
        let request = try #require(server.requests.last)
        #expect(request.contains("User-Agent: newsdesk/"))
        #expect(request.lowercased().contains("accept-encoding:"))
    }

    /// A JSON Feed served as application/feed+json: read by content, links resolved against the
    /// URL it came from; the request says which types Newsdesk reads.
    @Test func jsonFeedOverHTTP() throws {
        let body = """
            {"version": "https://jsonfeed.org/version/1.1", "title": "Loopback JSON", "home_page_url": "/",
             "items": [{"id": "j1", "url": "/j/1", "title": "JSON story", "date_published": "2025-06-10T08:30:00+02:00"}]}
            """
        let server = try LocalHTTPServer(routes: [
            "/feed.json": .init(headers: ["Content-Type": "application/feed+json"], body: Array(body.utf8))
        ])
        defer { server.stop() }
        let result = try BinaryRunner.run(["parse", "--json", server.baseURL + "/feed.json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try decode(result.stdout)
        #expect(json["format"] as? String == "json1.1")
        #expect(json["link"] as? String == server.baseURL + "/")
        let item = try #require((json["items"] as? [[String: Any]])?.first)
        #expect(item["id"] as? String == "j1")
        #expect(item["link"] as? String == server.baseURL + "/j/1")
        #expect(item["published"] as? String == "2025-06-10T06:30:00Z")
        let request = try #require(server.requests.last)
        #expect(request.contains("Accept: application/rss+xml, application/atom+xml, application/feed+json"))
    }

    @Test func readableSummary() throws {
        let path = try BinaryRunner.temporaryFile(Self.feed)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try BinaryRunner.run(["parse", path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Loopback News  [rss2.0, 1 items]"))
        #expect(result.stdout.contains("1. Local story"))
    }

    @Test func notAFeedExitsOneWithAMessage() throws {
        let path = try BinaryRunner.temporaryFile("<!DOCTYPE html><html><body>Hi</body></html>", suffix: ".html")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try BinaryRunner.run(["parse", "--json", path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("not a feed"))
        #expect(result.stderr.contains(path))
    }

    @Test func oversizedFileIsRefusedWithItsSize() throws {
        let path = try BinaryRunner.temporaryFile(Self.feed + String(repeating: " ", count: 5000))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try BinaryRunner.run(["parse", "--max-bytes", "1000", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("larger than max_body (1000 bytes)"))
        #expect(result.stderr.contains("file is \(Self.feed.utf8.count + 5000) bytes"))
    }

    @Test func httpErrorStatusIsAnError() throws {
        let server = try LocalHTTPServer(routes: [:])
        defer { server.stop() }
        let result = try BinaryRunner.run(["parse", server.baseURL + "/missing"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("HTTP status 404"))
    }

    @Test func benchPrintsThroughputLines() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(Self.feed.utf8).write(to: folder.appendingPathComponent("a.xml"))
        let result = try BinaryRunner.run(["bench", "parse", "--rounds", "2", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.range(of: #"newsdesk: [0-9.]+ MB/s, [0-9]+ items/s"#, options: .regularExpression) != nil)
        #expect(result.stdout.range(of: #"libxml2 floor: [0-9.]+ MB/s"#, options: .regularExpression) != nil)
        #expect(result.stdout.contains("1 items"))
    }

    /// `parse` reads a pipe a person gives it (`… | newsdesk parse /dev/stdin`): only the
    /// daemon's `file:` feeds must be regular files.
    @Test func aPipeGivenOnTheCommandLineIsRead() throws {
        let process = Process()
        process.executableURL = BinaryRunner.binary
        process.arguments = ["parse", "/dev/stdin"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(TinyFeed.rss(["Read from a pipe"], host: "pipe.example").utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.contains("Read from a pipe"), "\(text)")
    }
}
