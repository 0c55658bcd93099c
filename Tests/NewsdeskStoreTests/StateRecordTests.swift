import Foundation
import GRDB
import Testing

@testable import NewsdeskConfig
@testable import NewsdeskParse
@testable import NewsdeskStore

/// The records store what the hand-written statements stored before them, column by column:
/// times as REAL seconds since 1970, states as their raw strings, key modes as numbers, lists
/// one value a line, enclosures as sorted-key JSON, absent values as NULL.
@Suite struct StateRecordTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000.25)

    static func store() throws -> (StateStore, FeedRecord) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-rec-\(UUID().uuidString).sqlite").path
        let store = try StateStore(path: path)
        let record = try #require(try store.syncFeeds([FeedConfig(url: "https://a.example/feed")]).first)
        return (store, record)
    }

    static func row(_ store: StateStore, _ sql: String) throws -> Row? {
        try store.read("reading a row") { db in
            var first: Row?
            try db.forEachRow(sql, []) { row in if first == nil { first = row.copy() } }
            return first
        }
    }

    @Test func aNewFeedTakesTheSchemaDefaults() throws {
        let (store, record) = try Self.store()
        #expect(record.state == .never)
        #expect(record.nextDue == Date(timeIntervalSince1970: 0))
        #expect(record.keyMode == .guid)
        let row = try #require(try Self.row(store, "SELECT typeof(next_due) AS kind, next_due, state, key_mode FROM feed"))
        #expect(row["kind"] as String == "real")
        #expect(row["state"] as String == "never")
    }

    @Test func aFeedIsWrittenAndReadColumnByColumn() throws {
        let (store, stored) = try Self.store()
        _ = try store.write("setting a watermark") { db in try db.execute("UPDATE feed SET evicted_through = 12.5", []) }
        var record = stored
        record.fetchURL = "https://b.example/feed"
        record.title = "A"
        record.etag = "\"e\""
        record.state = .retryAfter
        record.httpStatus = 503
        record.error = "busy"
        record.errorCount = 2
        record.nextDue = Self.now.addingTimeInterval(600)
        record.lastFetch = Self.now
        record.redirectCount = 1
        record.serverInterval = 900
        record.keyMode = .link
        record.droppedItems = 3
        record.evictedThrough = Self.now  // the item store's: a fetch never writes it
        try store.record(record, now: Self.now)
        let row = try #require(
            try Self.row(
                store,
                """
                SELECT state, key_mode, typeof(next_due) AS due_kind, next_due, typeof(last_fetch) AS fetch_kind, last_fetch,
                    last_success IS NULL AS no_success, site_link IS NULL AS no_link, evicted_through, url FROM feed
                """))
        #expect(row["state"] as String == "retry_after")
        #expect(row["key_mode"] as Int == 1)
        #expect(row["due_kind"] as String == "real")
        #expect(row["next_due"] as Double == Self.now.timeIntervalSince1970 + 600)
        #expect(row["fetch_kind"] as String == "real")
        #expect(row["last_fetch"] as Double == Self.now.timeIntervalSince1970)
        #expect(row["no_success"] as Bool)
        #expect(row["no_link"] as Bool)
        #expect(row["evicted_through"] as Double == 12.5)
        #expect(row["url"] as String == "https://a.example/feed")
        record.evictedThrough = Date(timeIntervalSince1970: 12.5)
        #expect(try store.feed(url: record.url) == record)
        #expect(try store.feedsByURL()[record.url] == record)
    }

    @Test func aStateOrModeThisVersionDoesNotKnowReadsAsBefore() throws {
        let (store, record) = try Self.store()
        _ = try store.write("writing the future") { db in try db.execute("UPDATE feed SET state = 'paused', key_mode = 7", []) }
        let read = try #require(try store.feed(url: record.url))
        #expect(read.state == .never)
        #expect(read.keyMode == .guid)
    }

    @Test func anItemIsStoredColumnByColumn() throws {
        let (store, record) = try Self.store()
        var item = FeedItem(identity: "g1")
        item.guid = "g1"
        item.title = "Ferry"
        item.link = "https://a.example/ferry?utm_source=x"
        item.authors = ["Ann", "Bo\nCy"]
        item.categories = ["sea"]
        item.published = Date(timeIntervalSince1970: 1_799_990_000.5)
        item.enclosures = [
            Enclosure(url: "https://a.example/a.mp3", type: "audio/mpeg", length: 42), Enclosure(url: "https://a.example/b"),
        ]
        try store.record(record, items: [item], now: Self.now)
        let row = try #require(
            try Self.row(
                store,
                """
                SELECT authors, categories, enclosures, typeof(published) AS kind, published, first_seen, last_changed,
                    updated IS NULL AS no_update, content IS NULL AS no_content, pruned, story_id IS NULL AS no_story,
                    canonical_link, key FROM item
                """))
        #expect(row["authors"] as String == "Ann\nBo Cy")
        #expect(row["categories"] as String == "sea")
        #expect(
            row["enclosures"] as String
                == #"[{"length":42,"type":"audio\/mpeg","url":"https:\/\/a.example\/a.mp3"},{"url":"https:\/\/a.example\/b"}]"#)
        #expect(row["kind"] as String == "real")
        #expect(row["published"] as Double == 1_799_990_000.5)
        #expect(row["first_seen"] as Double == Self.now.timeIntervalSince1970)
        #expect(row["last_changed"] as Double == Self.now.timeIntervalSince1970)
        #expect(row["no_update"] as Bool)
        #expect(row["no_content"] as Bool)
        #expect(row["pruned"] as Int == 0)
        #expect(row["no_story"] as Bool)
        #expect(row["key"] as String == "g:g1")
        let stored = try #require(try store.items(feedURL: record.url).first)
        #expect(stored.authors == ["Ann", "Bo Cy"])
        #expect(stored.categories == ["sea"])
        #expect(stored.published == item.published)
        #expect(stored.firstSeen == Self.now)
    }

    @Test func aChangedItemKeepsItsFirstSightAndStory() throws {
        let (store, record) = try Self.store()
        var item = FeedItem(identity: "g1")
        item.guid = "g1"
        item.title = "Ferry"
        try store.record(record, items: [item], now: Self.now)
        let id = try #require(try store.items(feedURL: record.url).first?.id)
        try store.assign([(itemID: id, storyID: "s1", firstSeen: Self.now)])
        item.title = "Ferry, corrected"
        let later = Self.now.addingTimeInterval(3_600)
        #expect(try store.record(record, items: [item], now: later).updated == 1)
        let row = try #require(try Self.row(store, "SELECT title, first_seen, last_changed, story_id, key FROM item"))
        #expect(row["title"] as String == "Ferry, corrected")
        #expect(row["first_seen"] as Double == Self.now.timeIntervalSince1970)
        #expect(row["last_changed"] as Double == later.timeIntervalSince1970)
        #expect(row["story_id"] as String == "s1")
        let story = try #require(try Self.row(store, "SELECT first_seen, last_coverage, last_updated FROM story"))
        #expect(story["first_seen"] as Double == Self.now.timeIntervalSince1970)
        #expect(story["last_updated"] as Double == later.timeIntervalSince1970)
    }

    @Test func periodsAndTheEmbeddingsStatusAreStoredInSeconds() throws {
        let (store, _) = try Self.store()
        try store.markPublished(periodStart: Self.now, end: Self.now.addingTimeInterval(3_600), at: Self.now)
        try store.markPublished(periodStart: Self.now, end: Self.now, at: Self.now.addingTimeInterval(1))  // kept as first written
        let period = try #require(try Self.row(store, "SELECT count(*) AS n, period_start, period_end, published_at FROM published"))
        #expect(period["n"] as Int == 1)
        #expect(period["period_start"] as Double == Self.now.timeIntervalSince1970)
        #expect(period["period_end"] as Double == Self.now.timeIntervalSince1970 + 3_600)
        #expect(period["published_at"] as Double == Self.now.timeIntervalSince1970)
        #expect(try store.isPublished(periodStart: Self.now))
        try store.recordEmbeddingStatus(model: "m", error: "down", at: Self.now)
        let status = try #require(try store.embeddingStatus(since: .distantPast))
        #expect(status == EmbeddingStatus(model: "m", available: false, error: "down", since: Self.now, checked: Self.now, pending: 0))
    }
}
