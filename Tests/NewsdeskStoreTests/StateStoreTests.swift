import Foundation
import Testing

@testable import NewsdeskBase
@testable import NewsdeskConfig
@testable import NewsdeskParse
@testable import NewsdeskStore

/// The store's whole interface, on both databases: what one back end does, the other does the
/// same (each query is written once, ``StateSQL``).
@Suite struct StateStoreTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func item(_ id: String, title: String? = nil, published: Date? = nil, link: String? = nil) -> FeedItem {
        var item = FeedItem(identity: id)
        item.guid = id
        item.title = title ?? "Title of \(id)"
        item.link = link ?? "https://a.example/\(id)"
        item.summary = "Summary of \(id)."
        item.excerpt = "Summary of \(id)."
        item.published = published
        item.authors = ["Ann", "Bo"]
        item.categories = ["world"]
        item.enclosures = [Enclosure(url: "https://a.example/\(id).mp3", type: "audio/mpeg", length: 42)]
        return item
    }

    static func opened(_ backend: StoreBackend, feeds: [String] = ["https://a.example/feed"]) throws -> (StateStore, [FeedRecord]) {
        let store = try backend.open()
        return (store, try store.syncFeeds(feeds.map { FeedConfig(url: $0) }))
    }

    @Test(arguments: StoreBackend.allCases) func feedsAreRegisteredOnceAndScheduled(_ backend: StoreBackend) throws {
        let (store, feeds) = try Self.opened(backend, feeds: ["https://a.example/feed", "https://b.example/feed"])
        #expect(feeds.map(\.url) == ["https://a.example/feed", "https://b.example/feed"])
        #expect(try store.syncFeeds([FeedConfig(url: "https://b.example/feed")]).map(\.id) == [feeds[1].id])
        #expect(try store.nextDue(feeds.map { FeedConfig(url: $0.url) }) == Date(timeIntervalSince1970: 0))
        var a = feeds[0]
        a.nextDue = Self.now.addingTimeInterval(600)
        a.etag = "\"v1\""
        a.state = .ok
        a.serverInterval = 900
        var b = feeds[1]
        b.nextDue = Self.now.addingTimeInterval(300)
        b.state = .gone
        try store.record(a, now: Self.now)
        try store.record(b, now: Self.now)
        let configs = feeds.map { FeedConfig(url: $0.url) }
        // The gone feed is never due; a time far ahead counts as now.
        #expect(try store.nextDue(configs) == Self.now.addingTimeInterval(600))
        #expect(try store.nextDue(configs, now: Self.now, horizon: 60) == Self.now)
        let stored = try #require(try store.feed(url: a.url))
        #expect(stored == a)
        #expect(try store.feedsByURL()[b.url]?.state == .gone)
    }

    @Test(arguments: StoreBackend.allCases) func itemsAreStoredNewUpdatedAndUnchanged(_ backend: StoreBackend) throws {
        let (store, feeds) = try Self.opened(backend)
        let published = Self.now.addingTimeInterval(-3_600)
        let first = try store.record(feeds[0], items: [Self.item("g1", published: published), Self.item("g2")], now: Self.now)
        #expect(first == StoreOutcome(new: 2))
        let same = try store.record(feeds[0], items: [Self.item("g1", published: published), Self.item("g2")], now: Self.now)
        #expect(same == StoreOutcome())
        let changed = try store.record(
            feeds[0], items: [Self.item("g1", title: "A corrected title", published: published)], now: Self.now.addingTimeInterval(60))
        #expect(changed == StoreOutcome(updated: 1))
        let items = try store.items(feedURL: feeds[0].url)
        #expect(items.map(\.key) == ["g:g1", "g:g2"])
        #expect(items[0].title == "A corrected title")
        #expect(items[0].published == published)
        #expect(items[0].firstSeen == Self.now)
        #expect(items[0].lastChanged == Self.now.addingTimeInterval(60))
        #expect(items[0].authors == ["Ann", "Bo"])
        #expect(items[0].categories == ["world"])
        #expect(items[0].canonicalLink == CanonicalURL.key("https://a.example/g1"))
        #expect(items[1].published == nil)
        #expect(try store.datedPosts(since: published, until: Self.now) == [feeds[0].id: 1])
        let counts = try store.itemCounts(since: Self.now)
        #expect(counts[feeds[0].id]?.total == 2)
        #expect(counts[feeds[0].id]?.recent == 2)
        #expect(try store.firstItemSeen() == Self.now)
    }

    @Test(arguments: StoreBackend.allCases) func aFeedThatDropsItsGuidsKeepsItsItems(_ backend: StoreBackend) throws {
        let (store, feeds) = try Self.opened(backend)
        try store.record(feeds[0], items: [Self.item("g1"), Self.item("g2")], now: Self.now)
        var record = try #require(try store.feed(url: feeds[0].url))
        // The same items under one repeated guid: the feed falls back to links.
        let repeated = ["g1", "g2"].map { id in
            var item = Self.item(id)
            item.guid = "same"
            return item
        }
        let outcome = try store.record(record, items: repeated, now: Self.now.addingTimeInterval(60))
        #expect(outcome.new == 0)
        record = try #require(try store.feed(url: feeds[0].url))
        #expect(record.keyMode != .guid)
        #expect(try store.items(feedURL: feeds[0].url).map(\.key).allSatisfy { $0.hasPrefix("l:") })
    }

    @Test(arguments: StoreBackend.allCases) func theOldestItemsAreEvictedAndStayGone(_ backend: StoreBackend) throws {
        let (store, feeds) = try Self.opened(backend)
        let items = (1...3).map { Self.item("g\($0)", published: Self.now.addingTimeInterval(Double($0) * 60)) }
        let outcome = try store.record(feeds[0], items: items, now: Self.now.addingTimeInterval(600), maxItemsPerFeed: 2)
        // Items of the document just stored are spared: nothing goes yet.
        #expect(outcome.evicted == 0)
        let next = try store.record(
            feeds[0], items: [Self.item("g4", published: Self.now.addingTimeInterval(400))], now: Self.now.addingTimeInterval(700),
            maxItemsPerFeed: 2)
        #expect(next == StoreOutcome(new: 1, evicted: 2))
        #expect(try store.items(feedURL: feeds[0].url).map(\.key) == ["g:g3", "g:g4"])
        let back = try store.record(feeds[0], items: [items[0]], now: Self.now.addingTimeInterval(800), maxItemsPerFeed: 2)
        #expect(back.ignored == 1)
        #expect(back.new == 0)
        #expect(try #require(try store.feed(url: feeds[0].url)).evictedThrough == Self.now.addingTimeInterval(120))
    }

    @Test(arguments: StoreBackend.allCases) func pruningKeepsTheKeys(_ backend: StoreBackend) throws {
        let (store, feeds) = try Self.opened(backend)
        try store.record(feeds[0], items: [Self.item("g1")], now: Self.now)
        #expect(try store.prune(before: Self.now.addingTimeInterval(1)) == 1)
        #expect(try store.prune(before: Self.now.addingTimeInterval(1)) == 0)
        let items = try store.items(feedURL: feeds[0].url)
        #expect(items.count == 1)
        #expect(items[0].pruned)
        #expect(items[0].title == nil)
        #expect(try store.record(feeds[0], items: [Self.item("g1")], now: Self.now.addingTimeInterval(60)) == StoreOutcome())
        #expect(try store.unassignedItems().isEmpty)
    }

    @Test(arguments: StoreBackend.allCases) func storiesGatherTheirItemsAndMerge(_ backend: StoreBackend) throws {
        let (store, feeds) = try Self.opened(backend, feeds: ["https://a.example/feed", "https://b.example/feed"])
        try store.record(feeds[0], items: [Self.item("a1"), Self.item("a2")], now: Self.now)
        try store.record(feeds[1], items: [Self.item("b1")], now: Self.now.addingTimeInterval(60))
        let waiting = try store.unassignedItems()
        #expect(waiting.map(\.key) == ["g:a1", "g:a2", "g:b1"])
        #expect(try store.unassignedItems(limit: 2).count == 2)
        #expect(waiting[2].feedURL == "https://b.example/feed")
        try store.assign([(waiting[0].id, "s1", waiting[0].firstSeen), (waiting[1].id, "s2", waiting[1].firstSeen)])
        try store.assign([(waiting[2].id, "s1", waiting[2].firstSeen)])
        #expect(try store.unassignedItems().isEmpty)
        #expect(try store.assignedItems(since: Self.now).map(\.storyID) == ["s1", "s2", "s1"])
        let stories = try store.storiesWithCoverage(from: Self.now)
        #expect(stories.map(\.id) == ["s1", "s2"])
        #expect(stories[0].items.map(\.feedURL) == ["https://a.example/feed", "https://b.example/feed"])
        #expect(stories[0].firstSeen == Self.now)
        #expect(stories[0].lastUpdated == Self.now.addingTimeInterval(60))
        #expect(try store.storiesWithCoverage(from: Self.now, feedURLs: ["https://b.example/feed"]).map(\.id) == ["s1"])
        #expect(try store.storiesWithCoverage(from: Self.now.addingTimeInterval(120)).isEmpty)
        try store.assign([], merges: [(from: "s2", into: "s1")])
        let merged = try store.storiesWithCoverage(from: Self.now)
        #expect(merged.map(\.id) == ["s1"])
        #expect(merged[0].items.count == 2)  // one entry per feed
        #expect(try store.counts(configured: Set(feeds.map(\.url))).stories == 1)
    }

    @Test(arguments: StoreBackend.allCases) func aPeriodIsPublishedOnce(_ backend: StoreBackend) throws {
        let (store, _) = try Self.opened(backend)
        let hour = Self.now
        #expect(try !store.isPublished(periodStart: hour))
        try store.markPublished(periodStart: hour, end: hour.addingTimeInterval(3_600), at: hour.addingTimeInterval(3_700))
        try store.markPublished(periodStart: hour, end: hour.addingTimeInterval(3_600), at: hour.addingTimeInterval(9_999))
        try store.markPublished(periodStart: hour.addingTimeInterval(3_600), end: hour.addingTimeInterval(7_200), at: hour)
        #expect(try store.isPublished(periodStart: hour))
        #expect(try store.publishedPeriods(before: hour.addingTimeInterval(86_400), limit: 5) == [hour.addingTimeInterval(3_600), hour])
        #expect(try store.counts(configured: []).lastPublished == hour.addingTimeInterval(3_700))
    }

    @Test(arguments: StoreBackend.allCases) func vectorsAreStoredFoldedAndDropped(_ backend: StoreBackend) throws {
        let (store, feeds) = try Self.opened(backend)
        try store.record(feeds[0], items: [Self.item("g1"), Self.item("g2")], now: Self.now)
        let waiting = try store.itemsToEmbed(model: "m1", since: Self.now, limit: 10)
        #expect(waiting.map(\.title) == ["Title of g2", "Title of g1"])  // newest first
        #expect(try store.embeddingBacklog(model: "m1", since: Self.now) == 2)
        let vector: [Float] = [0.25, -1, 3.5]
        try store.saveEmbeddings([(waiting[0].itemID, vector), (waiting[1].itemID, [1, 2, 3]), (999_999, [9, 9, 9])], model: "m1")
        try store.saveEmbeddings([(waiting[1].itemID, [4, 5, 6])], model: "m1")  // replaced
        #expect(try store.embeddingDimension(model: "m1") == 3)
        #expect(
            try store.embeddings(of: [waiting[0].itemID, waiting[1].itemID], model: "m1") == [
                waiting[0].itemID: vector, waiting[1].itemID: [4, 5, 6],
            ])
        #expect(try store.embeddingBacklog(model: "m1", since: Self.now) == 0)
        let items = try store.unassignedItems()
        try store.assign([(items[0].id, "s1", items[0].firstSeen)], folded: [items[0].id])
        try store.assign([(items[1].id, "s1", items[1].firstSeen)])
        #expect(try store.foldedEmbeddings(model: "m1", since: Self.now).keys.sorted() == [items[0].id])
        let unfolded = try store.unfoldedEmbeddings(model: "m1", limit: 10)
        #expect(unfolded.map(\.item.id) == [items[1].id])
        #expect(unfolded.first?.vector == vector)  // g2's: embedded first, newest first
        #expect(try store.dropEmbeddings(otherThan: "m2") == 2)
        #expect(try store.embeddingDimension(model: "m1") == nil)
    }

    @Test(arguments: StoreBackend.allCases) func theEndpointStatusMovesItsSinceOnlyOnAChange(_ backend: StoreBackend) throws {
        let (store, _) = try Self.opened(backend)
        #expect(try store.embeddingStatus(since: Self.now) == nil)
        try store.recordEmbeddingStatus(model: "m1", error: nil, at: Self.now)
        try store.recordEmbeddingStatus(model: "m1", error: nil, at: Self.now.addingTimeInterval(60))
        var status = try #require(try store.embeddingStatus(since: Self.now))
        #expect(status.available)
        #expect(status.since == Self.now)
        #expect(status.checked == Self.now.addingTimeInterval(60))
        try store.recordEmbeddingStatus(model: "m1", error: "refused", at: Self.now.addingTimeInterval(120))
        status = try #require(try store.embeddingStatus(since: Self.now))
        #expect(!status.available)
        #expect(status.error == "refused")
        #expect(status.since == Self.now.addingTimeInterval(120))
    }

    @Test(arguments: StoreBackend.allCases) func timesAheadOfTheClockAreReset(_ backend: StoreBackend) throws {
        let (store, feeds) = try Self.opened(backend)
        let future = Self.now.addingTimeInterval(86_400 * 365)
        var feed = feeds[0]
        feed.nextDue = future
        feed.lastSuccess = future
        feed.lastFullFetch = future
        try store.record(feed, items: [Self.item("g1")], now: future)
        let repair = try store.repairFutureTimes(now: Self.now, horizon: 86_400)
        #expect(Set(repair.feeds.map(\.field)) == ["next_due", "last_success", "last_full_fetch"])
        #expect(repair.items == 1)
        let stored = try #require(try store.feed(url: feed.url))
        #expect(stored.nextDue == Self.now)
        #expect(stored.lastSuccess == Self.now)
        #expect(stored.lastFullFetch == nil)
        #expect(try store.items(feedURL: feed.url).first?.firstSeen == Self.now)
        #expect(try store.repairFutureTimes(now: Self.now, horizon: 86_400).isEmpty)
    }

    @Test(arguments: StoreBackend.allCases) func theMetricsCountOnlyConfiguredFeeds(_ backend: StoreBackend) throws {
        let (store, feeds) = try Self.opened(backend, feeds: ["https://a.example/feed", "https://b.example/feed"])
        try store.record(feeds[0], items: [Self.item("g1")], now: Self.now)
        let counts = try store.counts(configured: [feeds[0].url])
        #expect(counts.feedsByState == ["never": 1])
        #expect(counts.items == 1)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func oneOwnerOfAnSQLiteStateAtATime() throws {
        let location = try StoreBackend.sqlite.location()
        let owner = try StateStore(path: location, exclusive: true)
        #expect(throws: StoreError.self) { try StateStore(path: location, exclusive: true) }
        do {
            _ = try StateStore(path: location, exclusive: true)
        } catch {
            #expect(error.inUse, "\(error)")
        }
        // Others read beside the owner.
        let reader = try StateStore(path: location)
        #expect(try reader.syncFeeds([FeedConfig(url: "https://a.example/feed")]).count == 1)
        try owner.checkFile()
    }

    @Test(arguments: StoreBackend.allCases) func aSchemaFromANewerNewsdeskIsRefused(_ backend: StoreBackend) throws {
        let location = try backend.location()
        let store = try StateStore(path: location)
        let table = backend == .sqlite ? "grdb_migrations (identifier)" : "schema_migration (name, applied_at)"
        let values = backend == .sqlite ? "('v99: from the future')" : "('v99: from the future', 0)"
        _ = try store.write("adding a version") { db in try db.execute("INSERT INTO \(table) VALUES \(values)", []) }
        do {
            _ = try StateStore(path: location, exclusive: true)
            Issue.record("a newer schema was opened")
        } catch {
            #expect(error.message.contains("newer than this newsdesk"), "\(error)")
            #expect(error.message.contains("v99: from the future"), "\(error)")
        }
    }
}
