import Foundation
import TestSupport
import Testing

@testable import NewsdeskFetch

@Suite("libcurl transfers against a loopback server")
struct CurlTransferTests {
    @Test func fetchesBodyHeadersAndFollowsRedirects() throws {
        let server = try LocalHTTPServer(routes: [
            "/feed": .init(
                headers: ["Content-Type": "application/rss+xml; charset=\"ISO-8859-1\"", "ETag": "\"v1\""],
                body: Array("<rss/>".utf8)),
            "/old": .init(status: 301, headers: ["Location": "/feed"]),
        ])
        defer { server.stop() }
        let response = try CurlTransfer.fetch(server.baseURL + "/old", allowPrivateNetworks: true)
        #expect(response.status == 200)
        #expect(response.body == Array("<rss/>".utf8))
        #expect(response.effectiveURL == server.baseURL + "/feed")
        #expect(response.headers["etag"] == "\"v1\"")
        #expect(response.charset == "ISO-8859-1")
    }

    @Test func refusesBodiesOverTheCap() throws {
        let server = try LocalHTTPServer(routes: ["/big": .init(body: [UInt8](repeating: 0x61, count: 200_000))])
        defer { server.stop() }
        var limits = FetchLimits()
        limits.maxBody = 50_000
        #expect {
            try CurlTransfer.fetch(server.baseURL + "/big", limits: limits, allowPrivateNetworks: true)
        } throws: { error in
            (error as? FetchError)?.message.contains("larger than max_body") == true
        }
    }

    @Test func neverFollowsARedirectToAFile() throws {
        let server = try LocalHTTPServer(routes: ["/evil": .init(status: 302, headers: ["Location": "file:///etc/passwd"])])
        defer { server.stop() }
        #expect(throws: FetchError.self) { try CurlTransfer.fetch(server.baseURL + "/evil", allowPrivateNetworks: true) }
    }

    @Test func reportsConnectionFailuresInCurlsWords() throws {
        let listener = try LoopbackListener()
        let port = listener.port
        _ = consume listener  // closed: nothing listens on the port now
        #expect {
            try CurlTransfer.fetch("http://127.0.0.1:\(port)/", allowPrivateNetworks: true)
        } throws: { error in
            guard let error = error as? FetchError else { return false }
            return error.url.hasSuffix("\(port)/") && !error.message.isEmpty
        }
    }

    /// A blocking transfer is abandoned soon after `shouldStop` turns true (the daemon's stop),
    /// not waited out to its timeout, and says it was stopped rather than failed.
    @Test func aSynchronousTransferStopsWhenAsked() throws {
        let server = try LocalHTTPServer(routes: ["/slow": .init(body: Array("late".utf8), delay: 20)])
        defer { server.stop() }
        var limits = FetchLimits()
        limits.timeout = .seconds(60)
        let start = Date()
        #expect {
            try CurlTransfer.fetch(FetchRequest(url: server.baseURL + "/slow", allowPrivateNetworks: true), limits: limits) {
                Date().timeIntervalSince(start) > 0.5
            }
        } throws: { error in
            (error as? FetchError)?.stopped == true
        }
        #expect(Date().timeIntervalSince(start) < 3)
    }

    /// Every spelling of 127.0.0.1 libcurl accepts reaches the loopback server only when the
    /// request allows private networks; refused, the error names the address and the server
    /// never sees a request.
    @Test(arguments: ["127.0.0.1", "localhost", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "0.0.0.0", "[::ffff:127.0.0.1]"])
    func refusesLoopbackInEverySpellingUnlessAllowed(host: String) throws {
        let server = try LocalHTTPServer(routes: ["/feed": .init(text: "<rss/>")])
        defer { server.stop() }
        let url = "http://\(host):\(server.port)/feed"
        #expect {
            try CurlTransfer.fetch(url)
        } throws: { error in
            let message = (error as? FetchError)?.message ?? ""
            return message.hasPrefix("refused to connect to ")
                && ["127.0.0.1", "::1", "::ffff:127.0.0.1", "0.0.0.0"].contains { message.contains("to \($0) (") }
        }
        #expect(server.received.isEmpty, "\(host)")
        let response = try CurlTransfer.fetch(url, allowPrivateNetworks: true)
        #expect(response.body == Array("<rss/>".utf8), "\(host)")
        #expect(server.received.count == 1)
    }

    @Test func refusesIPv6LoopbackUnlessAllowed() throws {
        let server = try LocalHTTPServer(routes: ["/feed": .init(text: "<rss/>")], ipv6: true)
        defer { server.stop() }
        let url = "http://[::1]:\(server.port)/feed"
        #expect {
            try CurlTransfer.fetch(url)
        } throws: { error in
            let error = error as? FetchError
            return error?.message.hasPrefix("refused to connect to ::1 (a loopback address)") == true && error?.refusedAddress == true
        }
        #expect(server.received.isEmpty)
        #expect(try CurlTransfer.fetch(url, allowPrivateNetworks: true).body == Array("<rss/>".utf8))
    }

    /// The cloud metadata service and a private network are refused before any connection.
    @Test(arguments: [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 (a link-local address)"),
        ("http://10.0.0.1/feed", "10.0.0.1 (a private network address)"),
        ("http://[fe80::1]/feed", "fe80::1 (a link-local address)"),
    ])
    func refusesPrivateAddressesBeforeConnecting(url: String, named: String) throws {
        var limits = FetchLimits()
        limits.connectTimeout = .seconds(2)
        #expect {
            try CurlTransfer.fetch(url, limits: limits)
        } throws: { error in
            (error as? FetchError)?.message.hasPrefix("refused to connect to \(named)") == true
        }
    }

    /// Every hop of a redirect is checked: here a policy that takes 127.0.0.1 for public and
    /// every IPv6 address for loopback lets the first hop through and refuses the second,
    /// which reaches the same server through its IPv4-mapped address.
    @Test func checksEveryHopOfARedirect() throws {
        let target = try LocalHTTPServer(routes: ["/secret": .init(text: "internal")])
        defer { target.stop() }
        let first = try LocalHTTPServer(routes: [
            "/feed": .init(status: 301, headers: ["Location": "http://[::ffff:127.0.0.1]:\(target.port)/secret"])
        ])
        defer { first.stop() }
        let multi = try #require(CurlMulti(concurrency: 1, perHost: 1) { $0.isIPv4 ? nil : .loopback })
        var result: Result<FetchResponse, FetchError>?
        multi.run([FetchRequest(url: first.baseURL + "/feed")], limits: FetchLimits()) { _, answer in result = answer }
        #expect {
            try result?.get()
        } throws: { error in
            (error as? FetchError)?.message.hasPrefix("refused to connect to ::ffff:127.0.0.1 (a loopback address)") == true
        }
        #expect(first.received.count == 1)
        #expect(target.received.isEmpty)
    }

    /// A connection opened for a transfer allowed onto private networks is not reused by one
    /// that is not: the request guard checks the address of every connection a request goes on.
    @Test func aReusedConnectionIsCheckedToo() throws {
        let server = try LocalHTTPServer(routes: ["/a": .init(text: "<rss/>"), "/b": .init(text: "<rss/>")], keepAlive: true)
        defer { server.stop() }
        let multi = try #require(CurlMulti(concurrency: 1, perHost: 1))
        var results: [Int: Result<FetchResponse, FetchError>] = [:]
        let requests = [
            FetchRequest(url: server.baseURL + "/a", allowPrivateNetworks: true), FetchRequest(url: server.baseURL + "/b"),
        ]
        multi.run(requests, limits: FetchLimits()) { index, result in results[index] = result }
        #expect((try? results[0]?.get())?.status == 200)
        // The second request would go out on the first one's connection, opened with no guard:
        // the check before each request refuses it (without it, the server received "/b").
        let error = try #require(throws: FetchError.self) { try results[1]?.get() }
        #expect(error.message.hasPrefix("refused to connect to 127.0.0.1 (a loopback address)"), "\(error.message)")
        #expect(server.received.map(\.path) == ["/a"])
    }

    /// libcurl 7.88 says only "Out of memory" about a header over 100 kB.
    @Test func explainsAHeaderTooLargeForLibcurl() throws {
        let big = String(repeating: "a", count: 1 << 20)
        let server = try LocalHTTPServer(routes: ["/feed": .init(headers: ["X-Padding": big], text: "<rss/>")])
        defer { server.stop() }
        #expect {
            try CurlTransfer.fetch(server.baseURL + "/feed", allowPrivateNetworks: true)
        } throws: { error in
            (error as? FetchError)?.message.hasPrefix("a response header is larger than libcurl accepts (100 kB)") == true
        }
    }
}
