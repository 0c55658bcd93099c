import Foundation
import NewsdeskParse
import TestSupport
import Testing

/// The real binary publishing from a real local server, at chosen times (NEWSDESK_NOW).
@Suite struct PublishCommandTests {
    /// Five outlets carry the harbour fire in their own words; one carries the regatta.
    static let fire = [
        "Fire breaks out at Port Merrow harbour warehouse", "Port Merrow harbour warehouse fire: crews fight blaze",
        "Blaze at harbour warehouse in Port Merrow", "Crews battle Port Merrow warehouse fire at the harbour",
        "Harbour warehouse in Port Merrow destroyed by fire",
    ]

    static func rss(_ title: String, link: String, extra: [(String, String)] = []) -> String {
        var items = "<item><title>\(title)</title><link>\(link)</link></item>"
        for (t, l) in extra { items += "<item><title>\(t)</title><link>\(l)</link></item>" }
        return
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Outlet</title><link>https://o.example/</link>\(items)</channel></rss>"
    }

    /// Serves /f0.../f4 (the fire) and /f5 (the regatta); `extra` adds items to /f5 when set.
    static func server(extra: Counter = Counter()) throws -> LocalHTTPServer {
        try LocalHTTPServer { request in
            guard let index = Int(request.path.dropFirst(2)), index < 6 else { return .init(status: 404) }
            if index < 5 { return .init(text: rss(fire[index], link: "https://o\(index).example/fire")) }
            let more = extra.value > 0 ? [("Lifeboat crew rescues stranded kayakers", "https://o5.example/kayak")] : []
            return .init(text: rss("Regatta draws record entries", link: "https://o5.example/regatta", extra: more))
        }
    }

    static func folder(_ server: LocalHTTPServer) throws -> String {
        let folder = try BinaryRunner.temporaryFolder()
        var text =
            "[newsdesk]\nstate = \"state.sqlite\"\nallow_private_networks = true\noutput = \"public\"\nfeed_url = \"https://news.example.org/ranked.atom\"\n"
        for index in 0..<6 { text += "\n[[feed]]\nurl = \"\(server.baseURL)/f\(index)\"\nname = \"Outlet \(index)\"\n" }
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        return folder
    }

    static func once(_ folder: String, at time: String, all: Bool = true, fault: String? = nil) throws -> BinaryRunner.Output {
        var environment = ["NEWSDESK_NOW": time]
        if let fault { environment["NEWSDESK_FAULT"] = fault }
        return try BinaryRunner.run(["once", "--config", folder + "/feeds.conf"] + (all ? ["--all"] : []), environment: environment)
    }

    static func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    static func atom(_ path: String) throws -> Feed { try FeedParser().parse(Array(try read(path).utf8)) }

    @Test func outputsAreWellFormedRankedStableAndPublishedOncePerHour() throws {
        let extra = Counter()
        let server = try Self.server(extra: extra)
        defer { server.stop() }
        let folder = try Self.folder(server)
        let first = try Self.once(folder, at: "2026-11-27T05:30:00Z")
        #expect(first.status == 0, "\(first.stderr)")
        let outputFolder = folder + "/public"
        let ranked = try Self.atom(outputFolder + "/ranked.atom")
        #expect(ranked.format == .atom10 && ranked.title == "Newsdesk: top news")
        #expect(ranked.items.count == 2)
        #expect(ranked.items[0].link == "https://o0.example/fire" && ranked.items[1].title == "Regatta draws record entries")
        let text = try Self.read(outputFolder + "/ranked.atom")
        #expect(text.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://news.example.org/ranked.atom\"/>"))
        #expect(text.contains("<nd:score value=") && text.contains("sources=\"5\""))
        let digest = try Self.read(outputFolder + "/digest/latest.md")
        #expect(digest.hasPrefix("# Top news, 2026-11-27 04:30-05:30 UTC\n\n| # | Title | i-Score |\n|---|-------|---------|\n"))
        let rows = digest.split(separator: "\n").filter { $0.hasPrefix("| 1 |") || $0.hasPrefix("| 2 |") }
        #expect(rows.count == 2 && rows[0].contains("Fire breaks out") && rows[1].contains("Regatta"))
        #expect(digest.contains("5 sources, weight 1.0"))

        // Ten minutes later, nothing new: the same entries with the same ids.
        _ = try Self.once(folder, at: "2026-11-27T05:40:00Z")
        #expect(try Self.atom(outputFolder + "/ranked.atom").items.map(\.identity) == ranked.items.map(\.identity))

        // After 06:00 the 05:00-06:00 archive and digest appear, once.
        _ = try Self.once(folder, at: "2026-11-27T06:10:00Z")
        let archivePath = outputFolder + "/archive/2026/11/27/05.atom"
        let archive = try Self.read(archivePath)
        #expect(archive.contains("<fh:archive/>") && archive.contains("rel=\"current\""))
        #expect(try Self.atom(archivePath).items.map(\.identity) == ranked.items.map(\.identity))
        let hourDigest = try Self.read(outputFolder + "/digest/2026/11/27/05.md")
        #expect(hourDigest.hasPrefix("# Top news, 2026-11-27 05:00-06:00 UTC"))
        extra.increment()  // news arrives: the 05 files must not change
        let later = try Self.once(folder, at: "2026-11-27T06:20:00Z")
        #expect(later.stdout.contains("1 new items"))
        #expect(try Self.read(archivePath) == archive && Self.read(outputFolder + "/digest/2026/11/27/05.md") == hourDigest)
        #expect(try Self.atom(outputFolder + "/ranked.atom").items.contains { $0.title == "Lifeboat crew rescues stranded kayakers" })
        _ = try Self.once(folder, at: "2026-11-27T07:05:00Z")
        let next = try Self.read(outputFolder + "/archive/2026/11/27/06.atom")
        #expect(
            next.contains(
                "<link rel=\"prev-archive\" type=\"application/atom+xml\" href=\"https://news.example.org/archive/2026/11/27/05.atom\"/>"))
        #expect(next.contains("Lifeboat crew rescues stranded kayakers") && !next.contains("Regatta"))
    }

    /// Bidi controls, zero-width characters and other invisible format controls (UTF-8 in the
    /// feed as it is): none may reach an output.
    static let invisible: [Character] =
        ["\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}"]
        + ["\u{200B}", "\u{200D}", "\u{200E}", "\u{200F}", "\u{2060}", "\u{2061}", "\u{2064}", "\u{FEFF}", "\u{061C}"]
        + ["\u{180E}", "\u{00AD}", "\u{2028}", "\u{2029}", "\u{E0041}"]

    @Test func hostileTitlesAndLinksCannotBreakTheOutputs() throws {
        let title = "Evil | [x](javascript:alert(1)) *b* _u_ `c` 1 &lt; 2 &gt; 0 &lt;script&gt;alert(1)&lt;/script&gt; # h"
        let persian = "می\u{200C}خواهم بدانم"
        let controls = "Con" + Self.invisible.map(String.init).joined(separator: "t") + "rols"
        let extra = [
            ("Second\nline | pipe", "https://ok.example/a(b)"), ("\u{202E}gnp.exe", "https://ok.example/spoof\u{202E}fdp"),
            (controls, "https://ok.example/controls"), (persian, "https://ok.example/persian"),
        ]
        let server = try LocalHTTPServer(routes: ["/evil": .init(text: Self.rss(title, link: "javascript:alert(1)", extra: extra))])
        defer { server.stop() }
        let folder = try BinaryRunner.temporaryFolder()
        try Data(
            """
            [newsdesk]
            state = "s.sqlite"
            allow_private_networks = true
            per_source_top = 10
            [[feed]]
            url = "\(server.baseURL)/evil"
            name = "Out\u{202E}let\u{200B}"

            """.utf8
        ).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        #expect(try Self.once(folder, at: "2026-11-27T05:30:00Z").status == 0)
        let digest = try Self.read(folder + "/public/digest/latest.md")
        // A tag's `<` and a link's `]` carry their backslash (literal characters rendered).
        #expect(!digest.replacingOccurrences(of: "\\<", with: "").contains("<script"))
        #expect(!digest.replacingOccurrences(of: "\\]", with: "").contains("](javascript:"))
        #expect(digest.contains(" | Evil \\| \\[x\\](javascript:alert(1)) \\*b\\* \\_u\\_ \\`c\\` 1 < 2 > 0"), "\(digest)")
        #expect(digest.contains("[Second line \\| pipe](https://ok.example/a%28b%29)"))
        for row in digest.split(separator: "\n") where row.hasPrefix("| 1 |") || row.hasPrefix("| 2 |") {
            // Exactly the four cell separators survive unescaped.
            let unescaped = row.indices.filter { row[$0] == "|" && ($0 == row.startIndex || row[row.index(before: $0)] != "\\") }
            #expect(unescaped.count == 4, "\(row)")
        }
        let ranked = try Self.atom(folder + "/public/ranked.atom")
        #expect(ranked.items.count == 5)
        #expect(ranked.items.contains { $0.title?.hasPrefix("Evil | [x](javascript:alert(1))") == true && $0.link == nil })
        #expect(!(try Self.read(folder + "/public/ranked.atom")).contains("href=\"javascript:"))

        // Invisible controls: gone from titles, names and link texts, percent-encoded in links;
        // the ZWNJ that Persian spelling needs stays.
        let files = ["ranked.atom", "digest/latest.md"]
        for file in files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/public/" + file))
            for control in Self.invisible {
                #expect(
                    bytes.range(of: Data(String(control).utf8)) == nil,
                    "\(file) has U+\(String(control.unicodeScalars.first!.value, radix: 16))")
            }
        }
        #expect(ranked.items.contains { $0.title == "gnp.exe" && $0.link == "https://ok.example/spoof%E2%80%AEfdp" })
        // The line and paragraph separators are white space: the title keeps a space for each.
        let expected = "Con" + String(repeating: "t", count: Self.invisible.count - 1) + "rols"
        #expect(ranked.items.contains { $0.title?.replacingOccurrences(of: " ", with: "") == expected })
        #expect(ranked.items.contains { $0.title == persian })
        #expect(digest.contains("[gnp.exe](https://ok.example/spoof%E2%80%AEfdp)") && digest.contains(persian))
        #expect(digest.contains("- [Outlet](") && !digest.contains("Out let"))
    }

    @Test func aKillDuringPublishingLeavesThePreviousFilesIntact() throws {
        let extra = Counter()
        let server = try Self.server(extra: extra)
        defer { server.stop() }
        let folder = try Self.folder(server)
        _ = try Self.once(folder, at: "2026-11-27T05:30:00Z")
        let before = try Self.read(folder + "/public/ranked.atom")
        extra.increment()
        let killed = try Self.once(folder, at: "2026-11-27T05:45:00Z", fault: "kill-mid-publish")
        #expect(killed.signaled && killed.status == SIGKILL)
        #expect(try Self.read(folder + "/public/ranked.atom") == before)
        let leftovers = { try FileManager.default.contentsOfDirectory(atPath: folder + "/public").filter { $0.hasPrefix(".ranked.atom.") } }
        #expect(try leftovers().count == 1)  // the interrupted write's temporary file
        let after = try Self.once(folder, at: "2026-11-27T05:50:00Z")
        #expect(after.status == 0)
        #expect(try leftovers().isEmpty)
        let ranked = try Self.atom(folder + "/public/ranked.atom")
        #expect(ranked.items.contains { $0.title == "Lifeboat crew rescues stranded kayakers" })
    }
}
