import Foundation
import NewsdeskParse
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Every kind of sick feed at once, polled together with healthy ones by the real binary.
@Suite struct FaultSuiteTests {
    static func rss(_ items: String, title: String = "Feed") -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>\(title)</title>\(items)</channel></rss>"
    }

    static func item(_ guid: String, _ title: String, date: String = "Fri, 27 Nov 2026 05:00:00 GMT") -> String {
        "<item><guid>\(guid)</guid><title>\(title)</title><link>https://h.example/\(guid)</link><pubDate>\(date)</pubDate></item>"
    }

    static func routes() throws -> LocalHTTPServer.Handler {
        let fetches = Counter()
        let bomb = try gzipped(level: 1, Array(rss(item("z", "zeros") + "<!--" + String(repeating: "0", count: 30 << 20) + "-->").utf8))
        let big = rss((0..<50_000).map { item("big-\($0)", "Item \($0)") }.joined())
        var badUTF8 = Array(rss(item("u", "Caf\u{E9} ok")).utf8)
        badUTF8.insert(contentsOf: [0xFF, 0xFE, 0xC3], at: badUTF8.count - 30)
        let xxe = """
            <?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <rss version="2.0"><channel><title>XXE</title><item><guid>x</guid><title>Leak &x;</title></item></channel></rss>
            """
        var laughs = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY l0 \"ha\">"
        for level in 1...12 { laughs += "<!ENTITY l\(level) \"" + String(repeating: "&l\(level - 1);", count: 10) + "\">" }
        laughs += "]><rss version=\"2.0\"><channel><title>B</title><item><title>&l12;</title></item></channel></rss>"
        let (bombBody, bigBody, utfBody, laughsBody) = (bomb, Array(big.utf8), badUTF8, laughs)
        return { request in
            switch request.path {
            case "/healthy1": return .init(text: rss(item("h1", "Harbour reopens after storm"), title: "Healthy One"))
            case "/healthy2": return .init(text: rss(item("h2", "Council approves ferry budget"), title: "Healthy Two"))
            case "/drip":
                var response = LocalHTTPServer.Response(body: Array(rss(item("d", "slow")).utf8))
                response.drip = 1
                return response
            case "/reset":
                var response = LocalHTTPServer.Response(body: Array(rss(item("r", "cut") + item("r2", "cut")).utf8))
                response.cutAfter = 80
                return response
            case "/gzipbomb": return .init(headers: ["Content-Encoding": "gzip"], body: bombBody)
            case "/huge-length": return .init(headers: ["Content-Length": "10000000000"], body: Array("<rss>".utf8))
            case "/loop": return .init(status: 302, headers: ["Location": "/loop2"])
            case "/loop2": return .init(status: 302, headers: ["Location": "/loop"])
            case "/to-file": return .init(status: 302, headers: ["Location": "file:///etc/passwd"])
            case "/storm-retry": return .init(status: 429, headers: ["Retry-After": "3600"])
            case "/storm": return .init(status: 429)
            case "/flap":
                fetches.increment()
                return fetches.value % 2 == 1 ? .init(status: 500) : .init(text: rss(item("f", "flap")))
            case "/html":
                return .init(headers: ["Content-Type": "text/html"], text: "<!DOCTYPE html><html><body><h1>Oops</h1></body></html>")
            case "/empty": return .init(text: "")
            case "/guids": return .init(text: rss(item(UUID().uuidString, "Same story, new guid")))
            case "/big": return .init(body: bigBody)
            case "/future": return .init(text: rss(item("fut", "From the future", date: "Sat, 01 Jan 2099 00:00:00 GMT")))
            case "/badutf8": return .init(body: utfBody)
            case "/xxe": return .init(text: xxe)
            case "/bomb": return .init(text: laughsBody)
            default: return .init(status: 404)
            }
        }
    }

    static let sick: [(path: String, state: String, error: String?)] = [
        ("/drip", "backoff", "timed out"), ("/reset", "backoff", nil), ("/gzipbomb", "backoff", "larger than max_body"),
        ("/huge-length", "backoff", "larger than max_body"), ("/loop", "backoff", "redirect loop"),
        ("/to-file", "backoff", "protocol other than http(s) refused"), ("/storm-retry", "retry_after", "retry after 3600 s"),
        ("/storm", "backoff", "HTTP 429 without Retry-After"), ("/html", "backoff", "not a feed: an HTML page"),
        ("/empty", "backoff", "empty document"), ("/bomb", "backoff", "entity bomb"),
    ]

    @Test func sickFeedsAreContainedAndHealthyOnesKeepTheirSchedule() throws {
        let server = try LocalHTTPServer(handler: try Self.routes())
        defer { server.stop() }
        let paths = ["/healthy1", "/healthy2", "/guids", "/big", "/future", "/badutf8", "/xxe", "/flap"] + Self.sick.map(\.path)
        let folder = try BinaryRunner.temporaryFolder()
        var text =
            "[newsdesk]\nstate = \"s.sqlite\"\nallow_private_networks = true\ntimeout = \"3s\"\nmax_body = \"12MiB\"\nconcurrency = 32\nper_host = 32\n"
        for path in paths { text += "\n[[feed]]\nurl = \"\(server.baseURL)\(path)\"\ninterval = \"10m\"\n" }
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        let config = folder + "/feeds.conf"

        let started = Date()
        let first = try BinaryRunner.run(["once", "--all", "--config", config])
        #expect(first.status == 0)
        #expect(first.stdout.contains("\n  49500 items beyond max_items_per_document not taken (the newest were)\n"))
        #expect(Date().timeIntervalSince(started) < 30)  // the drip is cut off by the timeout, not waited out
        let second = try BinaryRunner.run(["once", "--all", "--config", config])
        #expect(second.status == 0)

        // Memory stays bounded: each run reports its own peak. The bound is loose: a debug build
        // parses a 50,000-item feed in one cycle (the newest 500 of its items go on to clustering
        // and ranking); what it rules out is a bomb or a 10 GB body being held (gigabytes).
        for run in [first, second] {
            let peak = run.stderr.split(separator: "\n").first { $0.contains("cycle done") }
                .flatMap { $0.split(separator: "peak_memory_mb=").last?.prefix { $0.isNumber } }.flatMap { Int($0) }
            #expect(peak != nil && peak! < 512, "peak memory \(peak.map(String.init) ?? "unknown") MB")
        }

        let status = try BinaryRunner.run(["status", "--json", "--config", config])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
        func row(_ path: String) -> [String: Any]? { rows.first { $0["url"] as? String == server.baseURL + path } }
        for path in ["/healthy1", "/healthy2", "/big", "/future", "/badutf8", "/xxe", "/guids"] {
            #expect(["ok", "not_modified"].contains(row(path)?["state"] as? String), "\(path): \(row(path) ?? [:])")
            #expect(row(path)?["error_count"] as? Int == 0)
        }
        // Healthy feeds are due again after their interval, not in backoff.
        let dueText = try #require(row("/healthy1")?["next_due"] as? String)
        let due = try #require(ISO8601DateFormatter().date(from: dueText))
        #expect(due.timeIntervalSinceNow > 9 * 60 && due.timeIntervalSinceNow <= 10 * 60)
        // 50,000 items in one document: the newest max_items_per_document (500) are taken.
        #expect(row("/big")?["items"] as? Int == 500 && row("/big")?["dropped_items"] as? Int == 49_500)
        #expect(row("/guids")?["items"] as? Int == 2)  // a new guid each fetch is a new item each fetch
        for sick in Self.sick {
            let entry = row(sick.path)
            #expect(entry?["state"] as? String == sick.state, "\(sick.path): \(entry ?? [:])")
            if let error = sick.error {
                #expect((entry?["error"] as? String)?.contains(error) == true, "\(sick.path): \(entry?["error"] ?? "none")")
            }
        }
        // Inside its Retry-After, not fetched again by --all.
        #expect(row("/storm-retry")?["error_count"] as? Int == 1)
        // 500 then 200: the failure is logged, the success resets the errors.
        #expect(first.stdout.contains("failed: \(server.baseURL)/flap: HTTP 500"))
        #expect(row("/flap")?["state"] as? String == "ok" && row("/flap")?["error_count"] as? Int == 0)

        // Nothing from /etc/passwd or an external entity anywhere: database, outputs.
        let passwd =
            (try? String(contentsOfFile: "/etc/passwd", encoding: .utf8))?.split(separator: "\n").first.map(String.init) ?? "root:x:0:0"
        for file in try FileManager.default.subpathsOfDirectory(atPath: folder) {
            guard let data = FileManager.default.contents(atPath: folder + "/" + file) else { continue }
            #expect(data.range(of: Data(passwd.utf8)) == nil, "\(file) contains a line of /etc/passwd")
        }
        // The logs say what happened, feed by feed.
        #expect(first.stderr.contains("feed=\(server.baseURL)/bomb") && first.stderr.contains("entity bomb"))
        #expect(first.stderr.contains("feed=\(server.baseURL)/drip") && first.stderr.contains("timed out"))
    }
}
