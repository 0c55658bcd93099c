import Foundation
import NewsdeskStories
import TestSupport
import Testing

/// The real binary against a real local server and a real SQLite file.
@Suite struct PollCommandTests {
    static func feed(_ count: Int, prefix: String = "item") -> String {
        var text = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Local</title><link>https://l.example/</link>"
        for i in 1...count { text += "<item><guid>\(prefix)-\(i)</guid><title>Story \(i)</title></item>" }
        return text + "</channel></rss>"
    }

    /// A folder with a feeds.conf listing `urls`, private networks allowed unless `settings`
    /// (more of [newsdesk]) says otherwise.
    static func configFolder(_ urls: [String], settings: String = "") throws -> String {
        let folder = try BinaryRunner.temporaryFolder()
        var text = "[newsdesk]\nstate = \"state/newsdesk.sqlite\"\n\(settings)\n"
        if !settings.contains("allow_private_networks") { text += "allow_private_networks = true\n" }
        for url in urls { text += "\n[[feed]]\nurl = \"\(url)\"\n" }
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        return folder
    }

    @Test func onceStoresPrintsASummaryAndExitsZeroWhenSomeFeedsFail() throws {
        let server = try LocalHTTPServer(routes: ["/ok": .init(text: Self.feed(3)), "/broken": .init(status: 500)])
        defer { server.stop() }
        let folder = try Self.configFolder([server.baseURL + "/ok", server.baseURL + "/broken"])
        let run = try BinaryRunner.run(["once", "--config", folder + "/feeds.conf"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("polled 2 of 2 feeds: 1 fetched, 0 not modified, 1 failed; 3 new items, 0 updated"))
        #expect(run.stdout.contains("failed: \(server.baseURL)/broken: HTTP 500"))
        #expect(run.stderr.contains("warning") && run.stderr.contains("feed=\(server.baseURL)/broken") && run.stderr.contains("HTTP 500"))
        let status = try BinaryRunner.run(["status", "--json", "--config", folder + "/feeds.conf"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(rows[0]["url"] as? String == server.baseURL + "/ok" && rows[0]["state"] as? String == "ok")
        #expect(rows[0]["items"] as? Int == 3 && rows[0]["name"] as? String == "Local" && rows[0]["http_status"] as? Int == 200)
        #expect(
            rows[1]["state"] as? String == "backoff" && rows[1]["error"] as? String == "HTTP 500" && rows[1]["error_count"] as? Int == 1)
        for key in ["url", "fetch_url", "name", "state", "http_status", "error", "error_count", "last_success", "next_due", "items"] {
            #expect(rows[1].keys.contains(key), "\(key)")
        }
        let table = try BinaryRunner.run(["status", "--config", folder + "/feeds.conf"])
        #expect(table.stdout.hasPrefix("FEED"))
        #expect(table.stdout.contains("backoff"))
    }

    @Test func aKillBetweenFetchAndStoreLosesNothingAndRepeatsNothing() throws {
        let server = try LocalHTTPServer(routes: [
            "/a": .init(text: Self.feed(5, prefix: "a")), "/b": .init(text: Self.feed(4, prefix: "b")),
        ])
        defer { server.stop() }
        let folder = try Self.configFolder([server.baseURL + "/a", server.baseURL + "/b"])
        let config = folder + "/feeds.conf"
        let killed = try BinaryRunner.run(["once", "--config", config], environment: ["NEWSDESK_FAULT": "kill-before-store"])
        #expect(killed.signaled && killed.status == SIGKILL)
        #expect(server.requests.count == 2)  // both fetched, nothing stored
        let retry = try BinaryRunner.run(["once", "--config", config])
        #expect(retry.status == 0)
        #expect(retry.stdout.contains("2 fetched") && retry.stdout.contains("9 new items"))
        let again = try BinaryRunner.run(["once", "--all", "--config", config])
        #expect(again.stdout.contains("0 new items"))
        let status = try BinaryRunner.run(["status", "--json", "--config", config])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["items"] as? Int } == [5, 4])
    }

    @Test func proxiesComeFromTheUsualEnvironmentVariables() throws {
        // The server plays the proxy: a proxied request names the whole URL.
        let proxy = try LocalHTTPServer { request in
            request.path == "http://feeds.invalid/world.rss" ? .init(text: Self.feed(2)) : .init(status: 502)
        }
        defer { proxy.stop() }
        let folder = try Self.configFolder(["http://feeds.invalid/world.rss"])
        let run = try BinaryRunner.run(
            ["once", "--config", folder + "/feeds.conf"],
            environment: ["http_proxy": proxy.baseURL, "HTTP_PROXY": proxy.baseURL, "no_proxy": "", "NO_PROXY": ""])
        #expect(run.stdout.contains("1 fetched") && run.stdout.contains("2 new items"))
        #expect(proxy.received.first?.path == "http://feeds.invalid/world.rss")
    }

    /// Through a proxy the address it connects to cannot be checked, so a feed that does not
    /// allow private networks is fetched directly, whatever the environment says.
    @Test func proxiesAreNotUsedWhenPrivateNetworksAreRefused() throws {
        let proxy = try LocalHTTPServer { _ in .init(text: Self.feed(2)) }
        defer { proxy.stop() }
        let folder = try Self.configFolder(["http://feeds.invalid/world.rss"], settings: "allow_private_networks = false")
        let run = try BinaryRunner.run(
            ["once", "--config", folder + "/feeds.conf"],
            environment: ["http_proxy": proxy.baseURL, "HTTP_PROXY": proxy.baseURL, "no_proxy": "", "NO_PROXY": ""])
        #expect(run.stdout.contains("0 fetched") && run.stdout.contains("1 failed"))
        #expect(run.stdout.contains("Could not resolve host: feeds.invalid"))  // not "refused to connect to" the proxy
        #expect(proxy.received.isEmpty)
    }

    @Test func checkListsEveryProblemWithItsLine() throws {
        let path = try BinaryRunner.temporaryFile(
            "[newsdesk]\ntimeout = \"soon\"\n\n[[feed]]\nurl = \"gopher://x\"\n\n[[feed]]\nurl = \"https://a.example/f\"\nweight = \"heavy\"\n",
            suffix: ".conf")
        let run = try BinaryRunner.run(["check", "--config", path])
        #expect(run.status == 2)
        #expect(run.stderr.contains("\(path):2:1: timeout: bad duration \"soon\""))
        #expect(run.stderr.contains("\(path):5:1: feed[1].url: not an http(s) or file: URL: gopher://x"))
        #expect(run.stderr.contains("\(path):9:1: feed[2].weight: must be a number"))
        let once = try BinaryRunner.run(["once", "--config", path])
        #expect(once.status == 2)
        let good = try BinaryRunner.temporaryFile("[[feed]]\nurl = \"https://a.example/f\"\n", suffix: ".conf")
        let ok = try BinaryRunner.run(["check", "--config", good])
        #expect(ok.status == 0 && ok.stdout.contains("ok, 1 feed;"))
    }

    @Test func anUnusableDatabaseIsExitThree() throws {
        let folder = try BinaryRunner.temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder + "/db.sqlite", withIntermediateDirectories: true)
        try Data("[newsdesk]\nstate = \"db.sqlite\"\n".utf8).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        let run = try BinaryRunner.run(["once", "--config", folder + "/feeds.conf"])
        #expect(run.status == 3)
        #expect(run.stderr.contains("db.sqlite: cannot open the state database: \(folder)/db.sqlite is not a database file but a folder"))
    }

    @Test func opmlImportAddsFeedsAndExportGivesThemBack() throws {
        let folder = try Self.configFolder(["https://kept.example/feed"])
        let opml = """
            <?xml version="1.0"?><opml version="1.0"><body>
            <outline title="Tech"><outline text="Gadgets" xmlUrl="https://gadgets.example/rss"/></outline>
            <outline text="Kept" xmlUrl="https://kept.example/feed"/>
            </body></opml>
            """
        let file = try BinaryRunner.temporaryFile(opml, suffix: ".opml")
        let run = try BinaryRunner.run(["opml", "import", file, "--config", folder + "/feeds.conf"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("added 1 feeds") && run.stdout.contains("1 already there"))
        let text = try String(contentsOfFile: folder + "/feeds.conf", encoding: .utf8)
        #expect(text.hasPrefix("[newsdesk]\nstate = \"state/newsdesk.sqlite\""))  // the user's text is kept
        #expect(text.contains("url = \"https://gadgets.example/rss\"\nname = \"Gadgets\"\ntags = [\"Tech\"]"))
        let export = try BinaryRunner.run(["opml", "export", "--config", folder + "/feeds.conf"])
        #expect(export.stdout.contains("<outline text=\"Tech\">"))
        #expect(export.stdout.contains("xmlUrl=\"https://gadgets.example/rss\""))
        #expect(export.stdout.contains("xmlUrl=\"https://kept.example/feed\""))
    }

    /// An OPML file from elsewhere adds only http(s) feeds; each skipped outline is named on
    /// stderr with its reason, and the rest is still imported.
    @Test func opmlImportSkipsFileFeedsAndSaysWhy() throws {
        let folder = try Self.configFolder(["https://kept.example/feed"])
        let opml = """
            <?xml version="1.0"?><opml version="2.0"><body>
            <outline text="Passwords" xmlUrl="file:/etc/passwd"/>
            <outline text="Gadgets" xmlUrl="https://gadgets.example/rss"/>
            </body></opml>
            """
        let file = try BinaryRunner.temporaryFile(opml, suffix: ".opml")
        let run = try BinaryRunner.run(["opml", "import", file, "--config", folder + "/feeds.conf"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("\(file): skipped \"Passwords\" (file:/etc/passwd): only http and https feeds are imported"))
        #expect(run.stdout.contains("added 1 feeds") && run.stdout.contains("1 skipped"))
        let text = try String(contentsOfFile: folder + "/feeds.conf", encoding: .utf8)
        #expect(text.contains("https://gadgets.example/rss") && !text.contains("passwd"))
    }

    @Test func opmlImportSaysWhyAFileCannotBeRead() throws {
        let folder = try Self.configFolder([])
        let missing = try BinaryRunner.run(["opml", "import", folder + "/nothing.opml", "--config", folder + "/feeds.conf"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("cannot find \(folder)/nothing.opml (no such file or folder)"))
        let isFolder = try BinaryRunner.run(["opml", "import", folder, "--config", folder + "/feeds.conf"])
        #expect(isFolder.stderr.contains("cannot read \(folder): it is a folder"))
    }
}

/// `NEWSDESK_MIN_INTERVAL` is read by the executable, which gives the loader its floor.
@Suite struct MinimumIntervalCommandTests {
    @Test func theEnvironmentLowersTheFloorForTheBinaryOnly() throws {
        let config = try BinaryRunner.temporaryFile("[[feed]]\nurl = \"https://a.example/rss\"\ninterval = \"90s\"\n", suffix: ".conf")
        let refused = try BinaryRunner.run(["check", "--config", config])
        #expect(refused.status == 2 && refused.stderr.contains("below the floor of 5m"), "\(refused.stderr)")
        let allowed = try BinaryRunner.run(["check", "--config", config], environment: ["NEWSDESK_MIN_INTERVAL": "60"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
    }
}
