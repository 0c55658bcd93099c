import Foundation
import Testing

@testable import NewsdeskConfig
@testable import NewsdeskParse
@testable import NewsdeskStore

/// The boilerplate filter's memory across polls: block hashes stored per item, verdicts per
/// feed, and the counts `status` shows.
@Suite struct BoilerplateStoreTests {
    static let ad = "<p>vCard QR Code is a free platform for creating mobile-friendly digital business cards. Try it today!</p>"
    static let words = ["alpha", "bravo", "charlie", "delta"]

    static func item(_ index: Int) -> FeedItem {
        var item = FeedItem(identity: "g\(index)")
        item.guid = "g\(index)"
        item.title = "Item \(words[index]) of the feed"
        item.summary = "<p>The own text of item \(words[index]), which stays.</p>" + ad
        item.excerpt = HTMLSanitizer.excerpt(item.summary ?? "")
        return item
    }

    static func store(_ backend: StoreBackend) throws -> (StateStore, FeedRecord) {
        let store = try backend.open()
        let record = try #require(try store.syncFeeds([FeedConfig(url: "https://a.example/feed")]).first)
        return (store, record)
    }

    @Test(arguments: StoreBackend.allCases) func aSecondPollBringingOneNewItemWithTheAdLosesTheAd(_ backend: StoreBackend) throws {
        let (store, record) = try Self.store(backend)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        try store.record(record, items: (0..<3).map(Self.item), now: now)
        try store.record(record, items: [Self.item(3)], now: now.addingTimeInterval(3_600))
        let items = try store.items(feedURL: record.url)
        #expect(items.count == 4)
        for (index, item) in items.enumerated() {
            #expect(item.summary == "<p>The own text of item \(Self.words[index]), which stays.</p>")
            #expect(item.excerpt == "The own text of item \(Self.words[index]), which stays.")
        }
        let removed = try #require(try store.boilerplateRemoved()[record.id])
        #expect(removed.items == 4)
        #expect(removed.blocks == 4)
        #expect(removed.bytes == 4 * Self.ad.utf8.count)
    }

    @Test(arguments: StoreBackend.allCases) func withoutTheFilterNothingIsTakenOut(_ backend: StoreBackend) throws {
        let (store, record) = try Self.store(backend)
        try store.record(record, items: (0..<3).map(Self.item), now: Date(), boilerplate: nil)
        #expect(try store.items(feedURL: record.url).allSatisfy { $0.summary?.contains("vCard") == true })
        #expect(try store.boilerplateRemoved().isEmpty)
    }
}
