import FeedTestSupport
import Foundation
import TestSupport
import Testing

@testable import NewsdeskBase
@testable import NewsdeskDaemon
@testable import NewsdeskFetch
@testable import NewsdeskParse

/// Real libcurl against a real HTTP server on 127.0.0.1, real SQLite files, a test clock.
@Suite struct FeedPollerTests {
    static let lastModified = "Wed, 25 Nov 2026 10:00:00 GMT"

    @Test func storesValidatorsAndEchoesBothOn304() throws {
        let body = rssFeed([("a", "Alpha"), ("b", "Beta")])
        let server = try LocalHTTPServer { request in
            if request.headers["if-none-match"] == "\"v1\"", request.headers["if-modified-since"] == Self.lastModified {
                return .init(status: 304, headers: ["ETag": "\"v1\""])
            }
            return .init(headers: ["ETag": "\"v1\"", "Last-Modified": Self.lastModified], body: body)
        }
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/feed"])
        let first = try harness.poll()
        #expect(first.fetched == 1 && first.newItems == 2)
        #expect(try harness.record().etag == "\"v1\"")
        #expect(try harness.record().lastModified == Self.lastModified)
        harness.clock.advance(3_600)
        let second = try harness.poll()
        #expect(second.notModified == 1 && second.newItems == 0 && second.fetched == 0)
        let request = try #require(server.received.last)
        #expect(request.headers["if-none-match"] == "\"v1\"")
        #expect(request.headers["if-modified-since"] == Self.lastModified)
        #expect(try harness.record().state == .notModified)
        #expect(try harness.record().lastSuccess == harness.clock.now)
        #expect(try harness.items().count == 2)
    }

    @Test func aChangedETagIsStoredAndSentNext() throws {
        let version = Counter()
        let server = try LocalHTTPServer { request in
            let current = "\"v\(version.value)\""
            if request.headers["if-none-match"] == current { return .init(status: 304, headers: ["ETag": current]) }
            return .init(headers: ["ETag": current], body: rssFeed([("a\(version.value)", "Item \(version.value)")]))
        }
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/feed"])
        _ = try harness.poll()
        version.increment()
        let second = try harness.poll()
        #expect(second.fetched == 1 && second.newItems == 1)
        #expect(try harness.record().etag == "\"v1\"")
        _ = try harness.poll()
        #expect(server.received.last?.headers["if-none-match"] == "\"v1\"")
        #expect(try harness.record().state == .notModified)
    }

    @Test func aServerAnswering304ForeverGetsAnUnconditionalFetchADay() throws {
        let server = try LocalHTTPServer { request in
            if request.headers["if-none-match"] != nil { return .init(status: 304, headers: ["ETag": "\"same\""]) }
            return .init(headers: ["ETag": "\"same\""], body: rssFeed([("a", "Alpha")]))
        }
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/feed"])
        _ = try harness.poll()
        harness.clock.advance(12 * 3_600)
        _ = try harness.poll()
        #expect(server.received.last?.headers["if-none-match"] == "\"same\"")
        harness.clock.advance(12 * 3_600 + 1)
        _ = try harness.poll()
        #expect(server.received.last?.headers["if-none-match"] == nil)
        #expect(server.received.last?.headers["if-modified-since"] == nil)
        #expect(try harness.record().state == .notModified)  // the same bytes: nothing new
    }

    @Test func identicalBytesCountAsUnchanged() throws {
        let server = try LocalHTTPServer(routes: ["/feed": .init(body: rssFeed([("a", "Alpha")]))])
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/feed"])
        #expect(try harness.poll().fetched == 1)
        let second = try harness.poll()
        #expect(second.notModified == 1 && second.fetched == 0)
    }

    @Test func threePermanentRedirectsMoveTheFeedButTemporaryOnesDoNot() throws {
        let server = try LocalHTTPServer { request in
            switch request.path {
            case "/old": return .init(status: 301, headers: ["Location": "/middle"])
            case "/middle": return .init(status: 308, headers: ["Location": "/new"])
            case "/new", "/target": return .init(body: rssFeed([("a", "Alpha")]))
            case "/temporary": return .init(status: 302, headers: ["Location": "/target"])
            default: return .init(status: 404)
            }
        }
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/old", "/temporary"])
        for round in 1...3 {
            _ = try harness.poll()
            let expected = round < 3 ? server.baseURL + "/old" : server.baseURL + "/new"
            #expect(try harness.record(0).fetchURL == expected, "round \(round)")
        }
        #expect(try harness.record(0).url == server.baseURL + "/old")  // the config URL stays the identity
        _ = try harness.poll()
        #expect(server.received.filter { $0.path == "/old" }.count == 3)
        #expect(server.received.filter { $0.path == "/new" }.count == 4)
        #expect(try harness.record(1).fetchURL == server.baseURL + "/temporary")
        #expect(try harness.items(0).count == 1)
    }

    /// Three permanent redirects to a refused address are three failed fetches: the feed
    /// stays where it was and the target never sees a request. The policy here takes
    /// 127.0.0.1 for public and every IPv6 address for loopback, so the redirect to the same
    /// server's IPv4-mapped address is the refused hop; a feed that allows private networks
    /// moves as before.
    @Test func permanentRedirectsToARefusedAddressNeverMoveTheFeed() throws {
        let target = try LocalHTTPServer(routes: ["/secret": .init(body: rssFeed([("s", "Internal")]))])
        defer { target.stop() }
        let moved = "http://[::ffff:127.0.0.1]:\(target.port)/secret"
        let server = try LocalHTTPServer(routes: ["/old": .init(status: 301, headers: ["Location": moved])])
        defer { server.stop() }
        let refused = try PollHarness(server: server, feeds: ["/old"], settings: "allow_private_networks = false")
        let allowed = try PollHarness(
            server: server, feeds: ["/old"], settings: "allow_private_networks = false", feedExtra: "allow_private_networks = true")
        let policy: AddressPolicy.Classifier = { $0.isIPv4 ? nil : .loopback }
        for _ in 1...3 {
            #expect(try refused.poll(classify: policy).failed == 1)
            _ = try allowed.poll(classify: policy)
        }
        #expect(try refused.record().fetchURL == server.baseURL + "/old")
        #expect(try refused.record().error?.hasPrefix("refused to connect to ::ffff:127.0.0.1 (a loopback address)") == true)
        #expect(try refused.items().isEmpty)
        #expect(target.received.count == 3)  // the allowed feed's three fetches only
        #expect(try allowed.record().fetchURL == moved)
    }

    @Test func goneStopsPollingForGood() throws {
        let server = try LocalHTTPServer(routes: ["/gone": .init(status: 410)])
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/gone"])
        #expect(try harness.poll().failed == 1)
        #expect(try harness.record().state == .gone)
        harness.clock.advance(30 * 86_400)
        #expect(try harness.poll(all: true).polled == 0)
        #expect(try harness.poll(all: false).polled == 0)
        #expect(server.received.count == 1)
    }

    @Test func retryAfterInSecondsIsHonoredEvenByAll() throws {
        let server = try LocalHTTPServer(routes: ["/busy": .init(status: 429, headers: ["Retry-After": "120"])])
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/busy"])
        _ = try harness.poll()
        let record = try harness.record()
        #expect(record.state == .retryAfter)
        #expect(record.nextDue == harness.clock.now.addingTimeInterval(120))
        harness.clock.advance(60)
        #expect(try harness.poll(all: true).polled == 0)
        harness.clock.advance(61)
        #expect(try harness.poll(all: false).polled == 1)
        #expect(server.received.count == 2)
    }

    @Test func retryAfterAsAnHTTPDateIsCappedAtADay() throws {
        let clock = TestClock()
        let inAnHour = FeedDate.rfc822(clock.now.addingTimeInterval(3_600))
        let inAWeek = FeedDate.rfc822(clock.now.addingTimeInterval(7 * 86_400))
        let server = try LocalHTTPServer(routes: [
            "/soon": .init(status: 503, headers: ["Retry-After": inAnHour]),
            "/later": .init(status: 503, headers: ["Retry-After": inAWeek]),
            "/bare": .init(status: 503),
            "/forever": .init(status: 429, headers: ["Retry-After": "999999999"]),
        ])
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/soon", "/later", "/bare", "/forever"])
        _ = try harness.poll()
        let start = harness.clock.now
        #expect(try harness.record(0).nextDue == start.addingTimeInterval(3_600))
        #expect(try harness.record(1).nextDue == start.addingTimeInterval(86_400))
        #expect(try harness.record(2).state == .backoff)  // 503 without Retry-After: an ordinary failure
        #expect(try harness.record(3).nextDue == start.addingTimeInterval(PollPolicy.longestWait))
    }

    @Test func failuresBackOffExponentiallyAndASuccessResetsThem() throws {
        let failing = Counter(3)
        let server = try LocalHTTPServer { _ in
            if failing.value > 0 {
                failing.decrement()
                return .init(status: 500, text: "oops")
            }
            return .init(body: rssFeed([("a", "Alpha")]))
        }
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/feed"], feedExtra: "interval = \"1h\"")
        var waits: [TimeInterval] = []
        for _ in 1...3 {
            _ = try harness.poll()
            let record = try harness.record()
            #expect(record.state == .backoff && record.error == "HTTP 500" && record.httpStatus == 500)
            waits.append(record.nextDue.timeIntervalSince(harness.clock.now))
        }
        // Random 0.5 takes 10% off: 1 h, 2 h, 4 h, less 10%.
        #expect(waits == [3_240, 6_480, 12_960])
        #expect(try harness.record().errorCount == 3)
        _ = try harness.poll()
        let record = try harness.record()
        #expect(record.state == .ok && record.errorCount == 0 && record.error == nil)
        #expect(record.nextDue == harness.clock.now.addingTimeInterval(3_600))
    }

    @Test func aSlowServerTimesOut() throws {
        let server = try LocalHTTPServer(routes: ["/slow": .init(body: rssFeed([("a", "A")]), delay: 3)])
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/slow"], settings: "timeout = \"1s\"")
        let summary = try harness.poll()
        #expect(summary.failed == 1)
        #expect(summary.failures.first?.message.contains("timed out") == true)
        #expect(try harness.record().state == .backoff)
    }

    @Test func bodiesOverTheCapAreRefusedBeforeOrWhileDecompressing() throws {
        // 1 MiB of spaces inside a feed, gzipped to about 1 KB: the cap applies to what libcurl unpacks.
        let bomb = try gzipped(rssFeed([("a", "A" + String(repeating: " ", count: 1 << 20))]))
        let server = try LocalHTTPServer(routes: [
            "/big": .init(body: rssFeed([("a", String(repeating: "x", count: 200_000))])),
            "/bomb": .init(headers: ["Content-Encoding": "gzip"], body: bomb),
        ])
        defer { server.stop() }
        #expect(bomb.count < 10_000)
        let harness = try PollHarness(server: server, feeds: ["/big", "/bomb"], settings: "max_body = \"100kB\"")
        let summary = try harness.poll()
        #expect(summary.failed == 2)
        for failure in summary.failures { #expect(failure.message.contains("larger than max_body"), "\(failure.message)") }
        #expect(try harness.items(0).isEmpty && harness.items(1).isEmpty)
    }

    @Test func gzipAndBrotliBodiesAreDecoded() throws {
        let server = try LocalHTTPServer(routes: [
            "/gz": .init(headers: ["Content-Encoding": "gzip"], body: try fixture("compressed.rss.gz", in: .module)),
            "/br": .init(headers: ["Content-Encoding": "br"], body: try fixture("compressed.rss.br", in: .module)),
        ])
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/gz", "/br"])
        let summary = try harness.poll()
        #expect(summary.fetched == 2 && summary.newItems == 4)
        #expect(try harness.items(1).map(\.title) == ["First squeezed story", "Second squeezed story"])
        let encodings = try #require(server.received.first?.headers["accept-encoding"])
        #expect(encodings.contains("gzip") && encodings.contains("br"))
        #expect(server.received.first?.headers["user-agent"]?.hasPrefix("newsdesk/\(NewsdeskVersion.string) (+http") == true)
    }

    @Test func redirectLoopsAndRedirectsToFilesFail() throws {
        let server = try LocalHTTPServer { request in
            switch request.path {
            case "/a": return .init(status: 302, headers: ["Location": "/b"])
            case "/b": return .init(status: 302, headers: ["Location": "/a"])
            default: return .init(status: 301, headers: ["Location": "file:///etc/passwd"])
            }
        }
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/a", "/evil"])
        let summary = try harness.poll()
        #expect(summary.failed == 2)
        #expect(try harness.record(0).error?.contains("redirect loop or too many redirects") == true)
        #expect(try harness.record(1).error?.contains("protocol other than http(s) refused") == true)
        #expect(server.received.count == 7)  // 6 hops of the loop (5 redirects followed), 1 for the file redirect
    }

    @Test func anHTMLPageIsAFailureNamingWhatItIs() throws {
        let page = """
            <!DOCTYPE html><html><head><title>Home</title>
            <link rel="alternate" type="application/atom+xml" href="/blog/atom.xml"></head><body><p>Welcome</p></body></html>
            """
        let server = try LocalHTTPServer(routes: ["/feed": .init(headers: ["Content-Type": "text/html"], text: page)])
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/feed"])
        _ = try harness.poll()
        let record = try harness.record()
        #expect(record.state == .backoff && record.httpStatus == 200)
        #expect(record.error?.contains("not a feed: an HTML page") == true)
        #expect(record.error?.contains("the page names a feed at \(server.baseURL)/blog/atom.xml") == true, "\(record.error ?? "")")
        #expect(record.contentHash == nil && record.etag == nil)  // nothing remembered: the next fetch is full
    }
}
