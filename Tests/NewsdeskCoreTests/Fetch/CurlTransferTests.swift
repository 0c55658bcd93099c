import Foundation
import TestSupport
import Testing

@testable import NewsdeskCore

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
        let response = try CurlTransfer.fetch(server.baseURL + "/old")
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
            try CurlTransfer.fetch(server.baseURL + "/big", limits: limits)
        } throws: { error in
            (error as? FetchError)?.message.contains("larger than max_body") == true
        }
    }

    @Test func neverFollowsARedirectToAFile() throws {
        let server = try LocalHTTPServer(routes: ["/evil": .init(status: 302, headers: ["Location": "file:///etc/passwd"])])
        defer { server.stop() }
        #expect(throws: FetchError.self) { try CurlTransfer.fetch(server.baseURL + "/evil") }
    }

    @Test func reportsConnectionFailuresInCurlsWords() throws {
        let listener = try LoopbackListener()
        let port = listener.port
        _ = consume listener  // closed: nothing listens on the port now
        #expect {
            try CurlTransfer.fetch("http://127.0.0.1:\(port)/")
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
            try CurlTransfer.fetch(FetchRequest(url: server.baseURL + "/slow"), limits: limits) {
                Date().timeIntervalSince(start) > 0.5
            }
        } throws: { error in
            (error as? FetchError)?.stopped == true
        }
        #expect(Date().timeIntervalSince(start) < 3)
    }
}
