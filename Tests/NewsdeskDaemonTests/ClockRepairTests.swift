import Foundation
import TestSupport
import Testing

@testable import NewsdeskDaemon
@testable import NewsdeskParse

/// Times stored while the clock ran ahead: found, reset, and nothing else touched.
@Suite struct ClockRepairTests {
    static let years: TimeInterval = 5 * 365 * 86_400

    @Test func aFeedPolledYearsAheadIsDueAgainWhenTheClockComesBack() throws {
        let server = try LocalHTTPServer(routes: ["/feed": .init(body: rssFeed([("a", "Alpha")]))])
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/feed"])
        harness.clock.advance(Self.years)
        #expect(try harness.poll(all: false).fetched == 1)
        let ahead = try harness.record()
        harness.clock.advance(-Self.years)
        let now = harness.clock.now
        // The daemon's schedule counts it as due now, before anything is rewritten.
        #expect(try harness.store.nextDue(harness.config.feeds) == ahead.nextDue)
        #expect(try harness.store.nextDue(harness.config.feeds, now: now, horizon: PollPolicy.longestWait) == now)
        let summary = try harness.poll(all: false)
        #expect(summary.polled == 1 && server.received.count == 2)
        let record = try harness.record()
        #expect(record.nextDue < now.addingTimeInterval(PollPolicy.longestWait + 1))
        #expect(record.lastSuccess == now && record.lastFetch == now)
        let item = try #require(try harness.items().first)
        #expect(item.firstSeen == now && item.lastChanged == now)
    }

    @Test func theRepairNamesEachFeedAndTimeAndResetsThem() throws {
        let harness = try PollHarness(server: nil, feeds: ["https://a.example/feed", "https://b.example/feed"])
        let now = harness.clock.now
        var records = try harness.store.syncFeeds(harness.config.feeds)
        let future = now.addingTimeInterval(Self.years)
        records[0].nextDue = future
        records[0].lastSuccess = future
        records[0].lastFullFetch = future
        records[0].state = .ok
        // Within the longest wait: a feed told to come back in a day is left alone.
        records[1].nextDue = now.addingTimeInterval(PollPolicy.longestWait)
        records[1].state = .retryAfter
        for record in records { try harness.store.record(record, now: now) }
        let repair = try harness.store.repairFutureTimes(now: now, horizon: PollPolicy.longestWait)
        #expect(repair.feeds.map(\.feedURL) == Array(repeating: "https://a.example/feed", count: 3))
        #expect(repair.feeds.map(\.field) == ["next_due", "last_success", "last_full_fetch"])
        #expect(repair.feeds.allSatisfy { $0.stored == future })
        let a = try #require(try harness.store.feed(url: "https://a.example/feed"))
        #expect(a.nextDue == now && a.lastSuccess == now && a.lastFullFetch == nil)
        let b = try #require(try harness.store.feed(url: "https://b.example/feed"))
        #expect(b.nextDue == now.addingTimeInterval(PollPolicy.longestWait))
        #expect(try harness.store.repairFutureTimes(now: now, horizon: PollPolicy.longestWait).isEmpty)
    }

    @Test func aGoneFeedStaysNeverDue() throws {
        let harness = try PollHarness(server: nil, feeds: ["https://a.example/feed"])
        try harness.store.syncFeeds(harness.config.feeds)
        var record = try harness.record()
        record.state = .gone
        record.nextDue = .distantFuture
        try harness.store.record(record, now: harness.clock.now)
        #expect(try harness.store.repairFutureTimes(now: harness.clock.now, horizon: PollPolicy.longestWait).isEmpty)
        #expect(try harness.record().nextDue == .distantFuture)
        #expect(try harness.store.nextDue(harness.config.feeds, now: harness.clock.now, horizon: PollPolicy.longestWait) == nil)
    }

    @Test func noRuleWaitsLongerThanTheLongestWait() throws {
        let policy = PollPolicy(defaultInterval: 30 * 60)
        #expect(policy.interval(configured: 365 * 86_400, postsLastWeek: nil, serverInterval: 365 * 86_400) <= PollPolicy.longestWait)
        #expect(policy.backoff(interval: PollPolicy.maximum, failures: 60, random: 0) <= PollPolicy.longestWait)
    }

    /// Undated items evicted while the clock ran ahead set the feed's watermark years ahead:
    /// once the clock is right, the feed's new items must still be taken.
    @Test func aWatermarkSetAheadOfTheClockIsBroughtBack() throws {
        let document = Counter()
        let server = try LocalHTTPServer { _ in
            var text = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Undated</title>"
            for index in 0..<3 {
                text += "<item><guid>d\(document.value)-\(index)</guid><title>Undated \(document.value) \(index)</title></item>"
            }
            return .init(text: text + "</channel></rss>")
        }
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/feed"], settings: "max_items_per_feed = 3\nmax_items_per_document = 3")
        harness.clock.advance(Self.years)
        #expect(try harness.poll().newItems == 3)
        document.increment()
        #expect(try harness.poll().newItems == 3)  // the first three evicted, years ahead
        harness.clock.advance(-Self.years)
        document.increment()
        #expect(try harness.poll().newItems == 3)
        #expect(try harness.record().evictedThrough.map { $0 <= harness.clock.now } != false)
    }
}
