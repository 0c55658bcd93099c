import Foundation
import GRDB
import TestSupport
import Testing

@testable import NewsdeskConfig
@testable import NewsdeskDaemon
@testable import NewsdeskParse
@testable import NewsdeskStore
@testable import NewsdeskStories

/// `max_items_per_document`, `max_items_per_feed` and the incremental vacuum, with real libcurl
/// against a local server and a real SQLite file.
@Suite struct ItemCapTests {
    /// An RSS feed of `count` items `prefix-0`... dated one second apart, newest first, from `newest`.
    static func datedFeed(_ prefix: String, count: Int, newest: Date) -> [UInt8] {
        var text = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Churn</title>"
        for index in 0..<count {
            let date = FeedDate.rfc822(newest.addingTimeInterval(-Double(index)))
            text += "<item><guid>\(prefix)-\(index)</guid><title>Churning item \(prefix) \(index) of a feed that never ends</title>"
            text += "<description>Some words for item \(index) of \(prefix), to take some room.</description>"
            text += "<pubDate>\(date)</pubDate></item>"
        }
        return Array((text + "</channel></rss>").utf8)
    }

    /// The database's size on disk, its WAL checkpointed and truncated first.
    static func size(_ store: StateStore) throws -> Int {
        guard case .sqlite(let pool) = store.database else { return 0 }
        _ = try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        return [store.path, store.path + "-wal"].reduce(0) { total, path in
            total + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        }
    }

    @Test func aChurningFeedStaysWithinTheCapsAndTheFileStopsGrowing() throws {
        let poll = Counter()
        let server = try LocalHTTPServer { _ in
            poll.increment()
            // Dated up to a minute before the poll (the harness's clock moves an hour a poll).
            let newest = Date(timeIntervalSince1970: 1_800_000_000 - 60 + Double(poll.value - 1) * 3_600)
            return .init(body: Self.datedFeed("p\(poll.value)", count: 5_000, newest: newest))
        }
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/churn"], settings: "max_items_per_feed = 600\nmax_items_per_document = 200")
        var sizes: [Int] = []
        for round in 1...10 {
            let summary = try harness.poll()
            #expect(summary.newItems == 200 && summary.droppedItems == 4_800, "poll \(round)")
            #expect(try harness.items().count == min(200 * round, 600), "poll \(round)")
            sizes.append(try Self.size(harness.store))
            harness.clock.advance(3_600)
        }
        #expect(Double(sizes[9]) <= 1.5 * Double(sizes[2]), "sizes per poll: \(sizes)")
        // The newest are kept: the 200 of each of the last three documents, and only those.
        let kept = Set(try harness.items().map(\.key))
        #expect(kept == Set((8...10).flatMap { poll in (0..<200).map { "g:p\(poll)-\($0)" } }))
        #expect(try harness.record().droppedItems == 4_800)
        #expect(try harness.store.read("") { db in try db.value(Int.self, "PRAGMA auto_vacuum") } == 2)
    }

    @Test func anEvictedItemThatComesBackIsNotNew() throws {
        let document = Counter()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let server = try LocalHTTPServer { _ in
            switch document.value {
            case 0: return .init(body: Self.datedFeed("old", count: 4, newest: start))
            case 1: return .init(body: Self.datedFeed("new", count: 4, newest: start + 3_600))
            // The old items again, beside one really new one.
            default:
                let old = String(decoding: Self.datedFeed("old", count: 4, newest: start), as: UTF8.self)
                let fresh = String(decoding: Self.datedFeed("fresh", count: 1, newest: start + 7_200), as: UTF8.self)
                let item = fresh[fresh.range(of: "<item>")!.lowerBound..<fresh.range(of: "</channel>")!.lowerBound]
                return .init(text: old.replacingOccurrences(of: "</channel>", with: item + "</channel>"))
            }
        }
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/feed"], settings: "max_items_per_feed = 4\nmax_items_per_document = 4")
        #expect(try harness.poll().newItems == 4)
        document.increment()
        harness.clock.advance(3_600)
        #expect(try harness.poll().newItems == 4)
        #expect(try harness.items().map(\.key).allSatisfy { $0.hasPrefix("g:new-") })
        #expect(try harness.record().evictedThrough == start)
        document.increment()
        harness.clock.advance(3_600)
        let back = try harness.poll()
        // Five items, four taken (the fresh one and the newest three old ones), the old ones ignored.
        #expect(back.newItems == 1 && back.droppedItems == 1 && back.ignoredItems == 3)
        let keys = try harness.items().map(\.key)
        #expect(keys.count == 4 && keys.contains("g:fresh-0") && !keys.contains { $0.hasPrefix("g:old-") })
    }

    @Test func anEvictedUndatedItemThatComesBackIsNotNew() throws {
        let document = Counter()
        let server = try LocalHTTPServer { _ in
            switch document.value {
            case 0: return .init(body: rssFeed((0..<4).map { ("u-\($0)", "Undated \($0)") }))
            case 1: return .init(body: rssFeed((0..<4).map { ("v-\($0)", "Undated \($0) too") }))
            // A new one first, then the evicted ones again: the document's first four are taken.
            default: return .init(body: rssFeed([("w-0", "New")] + (0..<4).map { ("u-\($0)", "Undated \($0)") }))
            }
        }
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/feed"], settings: "max_items_per_feed = 4\nmax_items_per_document = 4")
        _ = try harness.poll()
        document.increment()
        harness.clock.advance(3_600)
        #expect(try harness.poll().newItems == 4)
        document.increment()
        harness.clock.advance(3_600)
        let back = try harness.poll()
        #expect(back.newItems == 1 && back.ignoredItems == 3)
        #expect(try harness.items().map(\.key).sorted() == ["g:v-1", "g:v-2", "g:v-3", "g:w-0"])
    }

    @Test func evictionTakesTheItemsStoriesAndVectorsWithIt() throws {
        let document = Counter()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let server = try LocalHTTPServer { _ in
            .init(body: Self.datedFeed(document.value == 0 ? "first" : "second", count: 3, newest: start + Double(document.value) * 3_600))
        }
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/feed"], settings: "max_items_per_feed = 3\nmax_items_per_document = 3")
        _ = try harness.poll()
        try StoryDesk(config: harness.config, store: harness.store).update(now: harness.clock.now)
        let first = try harness.items()
        try harness.store.saveEmbeddings(first.map { ($0.id, [1, 0, 0]) }, model: "m")
        func count(_ table: String) throws -> Int {
            try harness.store.read("") { db in try db.value(Int.self, "SELECT count(*) FROM \(table)") ?? 0 }
        }
        #expect(try count("story") > 0 && count("embedding") == 3)
        document.increment()
        harness.clock.advance(3_600)
        _ = try harness.poll()
        #expect(try harness.items().allSatisfy { $0.key.hasPrefix("g:second-") })
        #expect(try count("embedding") == 0)
        #expect(try count("story") == 0)  // each emptied; the new items have none yet
        #expect(try harness.store.integrityCheck() == "ok")
    }

    @Test func aDocumentIsCutToItsNewestItemsKeptInDocumentOrder() {
        func item(_ guid: String, _ seconds: Double?) -> FeedItem {
            var item = FeedItem()
            item.guid = guid
            item.published = seconds.map(Date.init(timeIntervalSince1970:))
            return item
        }
        let items = [item("a", 10), item("b", nil), item("c", 30), item("d", 20), item("e", nil)]
        #expect(FeedPoller.newest(items, limit: 2).map(\.guid) == ["c", "d"])
        #expect(FeedPoller.newest(items, limit: 4).map(\.guid) == ["a", "b", "c", "d"])
        #expect(FeedPoller.newest(items, limit: 9).map(\.guid) == ["a", "b", "c", "d", "e"])
        let undated = [item("x", nil), item("y", nil), item("z", nil)]
        #expect(FeedPoller.newest(undated, limit: 2).map(\.guid) == ["x", "y"])
    }

    @Test func aDatabaseMadeWithoutAutoVacuumIsConvertedAtOpenAndKeepsItsData() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-old-\(UUID().uuidString).sqlite").path
        do {
            let store = try StateStore(path: path)
            try store.syncFeeds([FeedConfig(url: "https://a.example/feed")])
        }
        // As an older Newsdesk left it: no auto_vacuum.
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA auto_vacuum = NONE")
            try db.execute(sql: "VACUUM")
        }
        #expect(try queue.read { db in try db.value(Int.self, "PRAGMA auto_vacuum") } == 0)
        try queue.close()
        // The owner converts it (the daemon or `once`, which hold the lock; a reader beside them
        // never runs a VACUUM).
        let reopened = try StateStore(path: path, exclusive: true)
        #expect(try reopened.read("") { db in try db.value(Int.self, "PRAGMA auto_vacuum") } == 2)
        #expect(try reopened.feed(url: "https://a.example/feed") != nil)
    }

    /// A pinned post, far older than the rest, that the feed carries in every document: the
    /// cap takes older items the feed no longer carries, never one it still does.
    @Test func anOldItemTheFeedStillCarriesIsNeverEvicted() throws {
        let document = Counter()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let server = try LocalHTTPServer { _ in
            let pinned = FeedDate.rfc822(start - 86_400 * 300)
            var text = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Pinned</title>"
            text += "<item><guid>pinned</guid><title>Read this first: how we report</title><pubDate>\(pinned)</pubDate></item>"
            for index in 0..<3 {
                let date = FeedDate.rfc822(start + Double(document.value) * 3_600 - Double(index))
                text +=
                    "<item><guid>d\(document.value)-\(index)</guid><title>News \(document.value) \(index)</title><pubDate>\(date)</pubDate></item>"
            }
            return .init(text: text + "</channel></rss>")
        }
        defer { server.stop() }
        let harness = try PollHarness(server: server, feeds: ["/feed"], settings: "max_items_per_feed = 4\nmax_items_per_document = 4")
        #expect(try harness.poll().newItems == 4)
        document.increment()
        harness.clock.advance(3_600)
        #expect(try harness.poll().newItems == 3)
        #expect(Set(try harness.items().map(\.key)) == ["g:pinned", "g:d1-0", "g:d1-1", "g:d1-2"])
    }
}
