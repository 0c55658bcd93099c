import FeedTestSupport
import Foundation
import TestSupport
import Testing

@testable import NewsdeskBase
@testable import NewsdeskDaemon
@testable import NewsdeskFetch
@testable import NewsdeskParse

/// What polling stores: items updated in place, keys kept, limits and schedules; real libcurl
/// against a real HTTP server on 127.0.0.1, real SQLite files, a test clock.
@Suite struct FeedPollerItemTests {
    @Test func anItemSeenAgainIsUpdatedInPlaceNeverDuplicated() throws {
        let version = Counter()
        let server = try LocalHTTPServer { _ in
            version.value == 0
                ? .init(body: rssFeed([("a", "Alpha"), ("b", "Beta")]))
                : .init(body: rssFeed([("a", "Alpha, corrected"), ("b", "Beta"), ("c", "Gamma")]))
        }
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/feed"])
        _ = try harness.poll()
        let before = try harness.items()
        harness.clock.advance(600)
        version.increment()
        let summary = try harness.poll()
        #expect(summary.newItems == 1 && summary.updatedItems == 1)
        let after = try harness.items()
        #expect(after.map(\.key) == ["g:a", "g:b", "g:c"])
        #expect(after[0].title == "Alpha, corrected" && after[0].id == before[0].id)
        #expect(after[0].firstSeen == before[0].firstSeen && after[0].lastChanged == harness.clock.now)
        #expect(after[1].lastChanged == before[1].lastChanged)
    }

    /// A JSON Feed goes through the same store: keyed by its ids, stored once, updated in place.
    @Test func aJSONFeedIsPolledAndStoredLikeAnyOther() throws {
        let version = Counter()
        let server = try LocalHTTPServer { _ in
            let second = version.value == 0 ? "Beta" : "Beta, corrected"
            return .init(
                headers: ["Content-Type": "application/feed+json"],
                body: Array(
                    """
                    {"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [
                      {"id": "a", "url": "https://j.example/a", "title": "Alpha"}, {"id": 7, "url": "https://j.example/b", "title": "\(second)"}]}
                    """.utf8))
        }
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/feed.json"])
        #expect(try harness.poll().newItems == 2)
        harness.clock.advance(600)
        version.increment()
        let summary = try harness.poll()
        #expect(summary.newItems == 0 && summary.updatedItems == 1)
        #expect(try harness.items().map(\.key) == ["g:a", "g:7"])
        #expect(try harness.items().map(\.title) == ["Alpha", "Beta, corrected"])
    }

    @Test func aFeedWhoseGuidsAreAllTheSameIsKeyedByLink() throws {
        let body = rssFeed([("same", "One"), ("same", "Two"), ("same", "Three")]).replacingLinks()
        let server = try LocalHTTPServer(routes: ["/feed": .init(body: body)])
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/feed"])
        #expect(try harness.poll().newItems == 3)
        #expect(try harness.items().map(\.key) == ["l:https://t.example/1", "l:https://t.example/2", "l:https://t.example/3"])
        #expect(try harness.record().keyMode == .link)
    }

    @Test func aFeedThatStartsRepeatingGuidsKeepsItsItems() throws {
        let version = Counter()
        let server = try LocalHTTPServer { _ in
            version.value == 0
                ? .init(body: rssFeed([("g1", "One"), ("g2", "Two")]))
                : .init(
                    body: rssFeed([("g1", "One"), ("g2", "Two"), ("g2", "Three")]).replacingLink(of: "Three", with: "https://t.example/g3"))
        }
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/feed"])
        #expect(try harness.poll().newItems == 2)
        version.increment()
        let second = try harness.poll()
        #expect(second.newItems == 1)
        let items = try harness.items()
        #expect(items.map(\.title) == ["One", "Two", "Three"])
        #expect(items.map(\.key) == ["l:https://t.example/g1", "l:https://t.example/g2", "l:https://t.example/g3"])
        #expect(try harness.poll().newItems == 0)
    }

    @Test func aTTLThatGoesAwayNoLongerStretchesTheInterval() throws {
        let version = Counter()
        let server = try LocalHTTPServer { _ in
            .init(body: rssFeed([("a", "A\(version.value)")], extra: version.value == 0 ? "<ttl>600</ttl>" : ""))
        }
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/feed"], feedExtra: "interval = \"15m\"")
        _ = try harness.poll()
        #expect(try harness.record().nextDue == harness.clock.now.addingTimeInterval(36_000))
        version.increment()
        _ = try harness.poll()
        #expect(try harness.record().nextDue == harness.clock.now.addingTimeInterval(900))
    }

    @Test func perHostAndTotalLimitsHold() throws {
        let server = try LocalHTTPServer { request in .init(body: rssFeed([(request.path, "x")]), delay: 0.3) }
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: (1...6).map { "/f\($0)" }, settings: "per_host = 2\nconcurrency = 16")
        #expect(try harness.poll().fetched == 6)
        #expect(server.peakConcurrency == 2)
        let wide = try LocalHTTPServer { request in .init(body: rssFeed([(request.path, "x")]), delay: 0.3) }
        defer { wide.stop() }
        let capped = try PollHarness(server: wide, feeds: (1...6).map { "/f\($0)" }, settings: "per_host = 6\nconcurrency = 3")
        #expect(try capped.poll().fetched == 6)
        #expect(wide.peakConcurrency == 3)
    }

    @Test func onlyDueFeedsArePolledWithoutAll() throws {
        let server = try LocalHTTPServer(routes: ["/feed": .init(body: rssFeed([("a", "A")]))])
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/feed"], feedExtra: "interval = \"15m\"")
        #expect(try harness.poll(all: false).polled == 1)
        harness.clock.advance(14 * 60)
        #expect(try harness.poll(all: false).polled == 0)
        harness.clock.advance(60)
        #expect(try harness.poll(all: false).polled == 1)
    }

    @Test func theServersTTLAndMaxAgeStretchTheInterval() throws {
        let server = try LocalHTTPServer(routes: [
            "/ttl": .init(body: rssFeed([("a", "A")], extra: "<ttl>120</ttl>")),
            "/maxage": .init(headers: ["Cache-Control": "public, max-age=5400"], body: rssFeed([("b", "B")])),
        ])
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/ttl", "/maxage"], feedExtra: "interval = \"15m\"")
        _ = try harness.poll()
        #expect(try harness.record(0).nextDue == harness.clock.now.addingTimeInterval(7_200))
        #expect(try harness.record(1).nextDue == harness.clock.now.addingTimeInterval(5_400))
    }

    @Test func prunedItemsKeepTheirKeysAndNeverComeBackAsNew() throws {
        let server = try LocalHTTPServer(routes: ["/feed": .init(body: rssFeed([("a", "Alpha")]))])
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/feed"], settings: "retention = \"7d\"")
        _ = try harness.poll()
        harness.clock.advance(8 * 86_400)
        _ = try harness.poll()  // same bytes; the cycle prunes what is older than 7 days
        let items = try harness.items()
        #expect(items.count == 1 && items[0].pruned && items[0].title == nil && items[0].key == "g:a")
        harness.clock.advance(2 * 86_400)
        let again = try harness.poll()
        #expect(again.newItems == 0)
    }
}

extension [UInt8] {
    /// Gives the item titled `title` the link `link`.
    fileprivate func replacingLink(of title: String, with link: String) -> [UInt8] {
        var text = String(decoding: self, as: UTF8.self)
        guard let titleRange = text.range(of: "<title>\(title)</title>"),
            let start = text.range(of: "<link>", range: titleRange.upperBound..<text.endIndex),
            let end = text.range(of: "</link>", range: start.upperBound..<text.endIndex)
        else { return self }
        text.replaceSubrange(start.upperBound..<end.lowerBound, with: link)
        return Array(text.utf8)
    }

    /// Gives the items of an `rssFeed` links /1, /2, ... in order.
    fileprivate func replacingLinks() -> [UInt8] {
        var text = String(decoding: self, as: UTF8.self)
        var index = 0
        while let range = text.range(of: "<link>https://t.example/same</link>") {
            index += 1
            text.replaceSubrange(range, with: "<link>https://t.example/\(index)</link>")
        }
        return Array(text.utf8)
    }
}
