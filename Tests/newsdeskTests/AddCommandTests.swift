import Foundation
import NewsdeskConfig
import NewsdeskParse
import TestSupport
import Testing

/// `newsdesk add` end to end: the real binary, feeds and pages on a loopback server, and a config
/// written as a person writes one (comments, no line end at the end), whose bytes must survive.
@Suite struct AddCommandTests {
    /// A config whose [newsdesk] allows the loopback server (the tests' feeds are on 127.0.0.1),
    /// with `feeds` already in it; its last line has no line end.
    static func folder(allowPrivate: Bool = true, feeds: [String] = ["https://kept.example/feed"]) throws -> (String, String) {
        let folder = try BinaryRunner.temporaryFolder()
        var text = "# my feeds\n[newsdesk]\nstate = \"state.sqlite\"\n"
        if allowPrivate { text += "allow_private_networks = true   # a home network\n" }
        for url in feeds { text += "\n[[feed]]\nurl = \"\(url)\"\nname = \"Kept\"  # by hand" }
        let path = folder + "/feeds.conf"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return (folder, path)
    }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// Runs `add` with `arguments` on `config` and expects a refusal: status 1, said so, and
    /// the file's bytes as they were.
    static func refused(
        _ arguments: [String], config: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> BinaryRunner.Output {
        let before = try bytes(config)
        let run = try BinaryRunner.run(["add"] + arguments + ["--config", config])
        #expect(run.status == 1, "\(run.stdout)", sourceLocation: sourceLocation)
        #expect(run.stderr.contains("; nothing written to \(config)"), sourceLocation: sourceLocation)
        #expect(try bytes(config) == before, sourceLocation: sourceLocation)
        return run
    }

    static let feed = LocalHTTPServer.Response(
        headers: ["Content-Type": "application/rss+xml"], text: TinyFeed.rss(["One", "Two"], host: "tiny.example"))

    static func page(_ links: String) -> LocalHTTPServer.Response {
        .init(
            headers: ["Content-Type": "text/html"],
            text: "<!doctype html><html><head><title>Home</title>\(links)</head><body><p>Hello</p></body></html>")
    }

    @Test func aFeedIsAppendedAndEveryByteBeforeIsKept() throws {
        let server = try LocalHTTPServer(routes: ["/feed": Self.feed])
        defer { server.stop() }
        let (_, config) = try Self.folder()
        #expect(chmod(config, 0o600) == 0)
        let before = try Self.bytes(config)
        let run = try BinaryRunner.run([
            "add", "\(server.baseURL)/feed", "--name", "Tiny", "--tag", "world", "--tag", "tech", "--config", config,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("added \"tiny.example\" (\(server.baseURL)/feed, rss2.0, 2 items) to \(config), line 10"))
        let after = try Self.bytes(config)
        #expect(after.starts(with: before))
        let table = "\n\n[[feed]]\nurl = \"\(server.baseURL)/feed\"\nname = \"Tiny\"\ntags = [\"world\", \"tech\"]\n"
        #expect(String(decoding: after.dropFirst(before.count), as: UTF8.self) == table)
        let loaded = try ConfigLoader.load(path: config)
        #expect(loaded.feeds.map(\.url) == ["https://kept.example/feed", "\(server.baseURL)/feed"])
        #expect(loaded.feeds.last?.name == "Tiny" && loaded.feeds.last?.tags == ["world", "tech"])
        var info = stat()
        #expect(stat(config, &info) == 0 && info.st_mode & 0o7777 == 0o600)
    }

    @Test func aPageGivesTheFeedItNamesAndTheOthersAreListed() throws {
        let links = """
            <link rel="stylesheet" href="/style.css">
            <link rel="alternate" type="application/rss+xml" title="Posts" href="/feed.xml">
            <link rel="alternate" type="application/atom+xml" title="Comments" href="/comments.atom">
            """
        let server = try LocalHTTPServer(routes: ["/": Self.page(links), "/feed.xml": Self.feed])
        defer { server.stop() }
        let (_, config) = try Self.folder()
        let before = try Self.bytes(config)
        let run = try BinaryRunner.run(["add", "\(server.baseURL)/", "--config", config])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\(server.baseURL)/ is a page; its feed is \(server.baseURL)/feed.xml"))
        #expect(run.stdout.contains("the page names 1 more: \(server.baseURL)/comments.atom"))
        let after = try Self.bytes(config)
        #expect(after.starts(with: before))
        #expect(String(decoding: after.dropFirst(before.count), as: UTF8.self) == "\n\n[[feed]]\nurl = \"\(server.baseURL)/feed.xml\"\n")
        #expect(try ConfigLoader.load(path: config).feeds.last?.url == "\(server.baseURL)/feed.xml")
    }

    /// The same feed written another way, and a page whose feed is configured, are refused with
    /// the entry named; the file is untouched and the feed never fetched.
    @Test func aDuplicateIsRefusedNamingTheEntry() throws {
        let server = try LocalHTTPServer(routes: [
            "/": Self.page("<link rel=alternate type=application/rss+xml href=/feed>"), "/feed": Self.feed,
        ])
        defer { server.stop() }
        let (_, config) = try Self.folder(feeds: ["https://kept.example/feed", "\(server.baseURL)/feed/"])
        let direct = try Self.refused(["\(server.baseURL)/feed?utm_source=x"], config: config)
        #expect(
            direct.stderr.contains(
                "\(server.baseURL)/feed?utm_source=x: already in \(config) as feed[2] at line 9: \(server.baseURL)/feed/"))
        let viaPage = try Self.refused([server.baseURL], config: config)
        #expect(
            viaPage.stderr.contains(
                "\(server.baseURL): the page's feed \(server.baseURL)/feed is already in \(config) as feed[2] at line 9"))
        #expect(server.received.map(\.path) == ["/"])
    }

    @Test func aPageWithoutAFeedIsRefused() throws {
        let server = try LocalHTTPServer(routes: ["/": Self.page("<link rel=\"icon\" href=\"/icon.png\">")])
        defer { server.stop() }
        let (_, config) = try Self.folder()
        let run = try Self.refused(["\(server.baseURL)/"], config: config)
        #expect(run.stderr.contains("newsdesk: \(server.baseURL)/: not a feed: "))
        #expect(run.stderr.contains(", and the page names no feed (no <link rel=\"alternate\"> to RSS, Atom or JSON Feed)"))
    }

    @Test func aBrokenOrMissingFeedIsRefused() throws {
        let server = try LocalHTTPServer(routes: [
            "/broken": .init(text: "<rss version=\"2.0\"><channel><<<"),
            "/": Self.page("<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/gone\">"),
        ])
        defer { server.stop() }
        let (_, config) = try Self.folder()
        let broken = try Self.refused(["\(server.baseURL)/broken"], config: config)
        #expect(broken.stderr.contains("\(server.baseURL)/broken: not a usable feed: malformed rss2.0 feed, nothing recoverable"))
        let gone = try Self.refused(["\(server.baseURL)/"], config: config)
        #expect(gone.stderr.contains("\(server.baseURL)/: the page's feed \(server.baseURL)/gone: HTTP status 404"))
    }

    /// A name and a tag with quotes, backslashes and line ends stay inside their TOML strings.
    @Test func aHostileNameIsEscaped() throws {
        let server = try LocalHTTPServer(routes: ["/feed": Self.feed])
        defer { server.stop() }
        let (_, config) = try Self.folder()
        let name = "He said \"hi\" \\ back\n[[feed]]\nurl = \"file:/etc/passwd\"\u{7F}"
        let run = try BinaryRunner.run(["add", "\(server.baseURL)/feed", "--name", name, "--tag", "a\"b\\", "--config", config])
        #expect(run.status == 0, "\(run.stderr)")
        let loaded = try ConfigLoader.load(path: config)
        #expect(loaded.feeds.count == 2)
        #expect(loaded.feeds.last?.name == name && loaded.feeds.last?.tags == ["a\"b\\"])
    }

    /// Without allow_private_networks a loopback feed is refused, saying how to allow it; with
    /// --allow-private-networks it is added with its own allow_private_networks.
    @Test func aPrivateAddressNeedsAllowPrivateNetworks() throws {
        let server = try LocalHTTPServer(routes: ["/feed": Self.feed])
        defer { server.stop() }
        let (_, config) = try Self.folder(allowPrivate: false)
        let refused = try Self.refused(["\(server.baseURL)/feed"], config: config)
        #expect(refused.stderr.contains("cannot fetch it: refused to connect to 127.0.0.1 (a loopback address)"))
        #expect(refused.stderr.contains("or add this feed alone with --allow-private-networks"))
        #expect(server.received.isEmpty)
        let allowed = try BinaryRunner.run(["add", "\(server.baseURL)/feed", "--allow-private-networks", "--config", config])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try ConfigLoader.load(path: config).feeds.last?.allowPrivateNetworks == true)
    }

    @Test func notAnHTTPURLIsABadCommandLine() throws {
        let (_, config) = try Self.folder()
        let run = try BinaryRunner.run(["add", "file:/etc/passwd", "--config", config])
        #expect(run.status == 64)
        #expect(run.stderr.contains("not an http(s) URL: file:/etc/passwd"))
    }
}
