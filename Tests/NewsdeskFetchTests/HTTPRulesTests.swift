import Foundation
import Testing

@testable import NewsdeskFetch

/// HTTP's rules, one answer at a time: no server, no clock.
@Suite struct HTTPRulesTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z

    static func response(_ status: Int, _ headers: [String: String] = [:]) -> FetchResponse {
        FetchResponse(status: status, effectiveURL: "https://a.example/feed", headers: headers, body: [])
    }

    @Test func eachStatusHasItsMeaning() {
        #expect(HTTPRules.meaning(of: Self.response(200), now: Self.now) == .document)
        #expect(HTTPRules.meaning(of: Self.response(0), now: Self.now) == .document)  // a file: feed
        #expect(HTTPRules.meaning(of: Self.response(304), now: Self.now) == .notModified)
        #expect(HTTPRules.meaning(of: Self.response(410), now: Self.now) == .gone)
        #expect(HTTPRules.meaning(of: Self.response(429, ["retry-after": "120"]), now: Self.now) == .retryAfter(120))
        #expect(HTTPRules.meaning(of: Self.response(503), now: Self.now) == .failed("HTTP 503 without Retry-After"))
        #expect(HTTPRules.meaning(of: Self.response(404), now: Self.now) == .failed("HTTP 404"))
    }

    @Test func retryAfterReadsSecondsAndDates() {
        #expect(HTTPRules.retryAfter("120", now: Self.now) == 120)
        #expect(HTTPRules.retryAfter(" 120 ", now: Self.now) == 120)
        #expect(HTTPRules.retryAfter("Fri, 15 Jan 2027 08:10:00 GMT", now: Self.now) == 600)
        #expect(HTTPRules.retryAfter("Fri, 15 Jan 2027 07:00:00 GMT", now: Self.now) == 0, "a date passed is no wait")
        #expect(HTTPRules.retryAfter("999999", now: Self.now) == 999_999, "capping is the schedule's business")
        #expect(HTTPRules.retryAfter("-5", now: Self.now) == 0)
        #expect(HTTPRules.retryAfter("soon", now: Self.now) == nil)
        #expect(HTTPRules.retryAfter(nil, now: Self.now) == nil)
    }

    @Test func freshnessComesFromMaxAgeThenExpires() {
        #expect(HTTPRules.freshness(headers: ["cache-control": "public, max-age=600"], now: Self.now) == 600)
        #expect(HTTPRules.freshness(headers: ["cache-control": "max-age=\"60\""], now: Self.now) == 60)
        #expect(HTTPRules.freshness(headers: ["expires": "Fri, 15 Jan 2027 08:15:00 GMT"], now: Self.now) == 900)
        // Expires counts from the answer's own Date, so a wrong local clock does not matter.
        let dated = ["expires": "Fri, 15 Jan 2027 09:15:00 GMT", "date": "Fri, 15 Jan 2027 09:00:00 GMT"]
        #expect(HTTPRules.freshness(headers: dated, now: Self.now) == 900)
        #expect(HTTPRules.freshness(headers: ["cache-control": "max-age=600", "expires": "0"], now: Self.now) == 600)
        #expect(HTTPRules.freshness(headers: ["expires": "0"], now: Self.now) == nil)
        #expect(HTTPRules.freshness(headers: ["cache-control": "no-cache"], now: Self.now) == nil)
    }

    @Test func a304UpdatesOnlyTheValidatorsItRepeats() {
        let held = HTTPRules.Validators(etag: "\"v1\"", lastModified: "Thu, 14 Jan 2027 10:00:00 GMT")
        let renewed = held.updated(by: ["etag": "\"v2\""], replacing: false)
        #expect(renewed == HTTPRules.Validators(etag: "\"v2\"", lastModified: "Thu, 14 Jan 2027 10:00:00 GMT"))
        #expect(held.updated(by: [:], replacing: false) == held)
        // A new document without validators leaves none: the old ones named another document.
        #expect(held.updated(by: [:], replacing: true) == HTTPRules.Validators(etag: nil, lastModified: nil))
    }

    @Test func onlyPermanentRedirectsFromTheFirstHopMoveAFeed() {
        let moved = [Redirect(status: 301, location: "https://b.example/feed"), Redirect(status: 308, location: "https://c.example/feed")]
        #expect(HTTPRules.permanentTarget(of: moved) == "https://c.example/feed")
        let thenTemporary = [
            Redirect(status: 301, location: "https://b.example/feed"), Redirect(status: 302, location: "https://cdn.example/x"),
        ]
        #expect(HTTPRules.permanentTarget(of: thenTemporary) == "https://b.example/feed")
        #expect(HTTPRules.permanentTarget(of: [Redirect(status: 302, location: "https://b.example/feed")]) == nil)
        #expect(HTTPRules.permanentTarget(of: []) == nil)
    }
}
