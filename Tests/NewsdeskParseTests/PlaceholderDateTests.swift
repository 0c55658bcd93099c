import FeedTestSupport
import Foundation
import Testing

@testable import NewsdeskParse

/// Zero values written where a program had no date (Go's zero time, the Unix epoch, MySQL's
/// zero date) are no date: absent from the item, and named in a warning.
@Suite("Placeholder dates")
struct PlaceholderDateTests {
    /// An RSS item with `pubDate` `published` and, if given, `atom:updated` `updated`.
    private func rssItem(published: String, updated: String? = nil) throws -> Feed {
        let extra = updated.map { "<atom:updated>\($0)</atom:updated>" } ?? ""
        let document =
            "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel><title>T</title>"
            + "<item><title>Zero</title><guid>z-1</guid><pubDate>\(published)</pubDate>\(extra)</item></channel></rss>"
        return try parse(document)
    }

    /// An Atom entry with the given `published` and `updated`.
    private func atomEntry(published: String, updated: String) throws -> Feed {
        try parse(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T</title><entry><id>urn:z:1</id><title>Zero</title>"
                + "<published>\(published)</published><updated>\(updated)</updated></entry></feed>")
    }

    private func warnsOfPlaceholder(_ feed: Feed, field: String, value: String) -> Bool {
        feed.warnings.contains { $0.contains("\(field) \"\(value)\"") && $0.contains("placeholder") }
    }

    @Test func goZeroTimeIsNoDate() throws {
        let feed = try atomEntry(published: "0001-01-01T00:00:00Z", updated: "2025-06-10T08:00:00Z")
        let item = try #require(feed.items.first)
        #expect(item.published == nil)
        #expect(stamp(item.updated) == "2025-06-10T08:00:00Z", "a real updated date still stands")
        #expect(warnsOfPlaceholder(feed, field: "published", value: "0001-01-01T00:00:00Z"), "\(feed.warnings)")
    }

    @Test(
        "Go's and .NET's zero in other spellings",
        arguments: [
            "0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00-05:00", "0001-01-01 00:00:00 +0000 UTC",
            "0001-01-01T00:00:00.000Z", "0001-01-01", "Mon, 01 Jan 0001 00:00:00 GMT",
        ])
    func goZeroSpellings(text: String) throws {
        let feed = try rssItem(published: text)
        #expect(feed.items.first?.published == nil)
        #expect(warnsOfPlaceholder(feed, field: "published", value: text), "\(feed.warnings)")
    }

    @Test func unixEpochInRFC3339IsNoDate() throws {
        let feed = try atomEntry(published: "2025-06-01T12:00:00Z", updated: "1970-01-01T00:00:00Z")
        let item = try #require(feed.items.first)
        #expect(stamp(item.published) == "2025-06-01T12:00:00Z")
        #expect(item.updated == nil)
        #expect(warnsOfPlaceholder(feed, field: "updated", value: "1970-01-01T00:00:00Z"), "\(feed.warnings)")
    }

    @Test(
        "The Unix epoch in RSS's RFC 822 form",
        arguments: ["Thu, 01 Jan 1970 00:00:00 GMT", "Thu, 01 Jan 1970 00:00:00 +0000", "Thu, 01 Jan 1970 01:00:00 +0100"])
    func unixEpochInRFC822IsNoDate(text: String) throws {
        let feed = try rssItem(published: text)
        #expect(feed.items.first?.published == nil)
        #expect(warnsOfPlaceholder(feed, field: "published", value: text), "\(feed.warnings)")
    }

    @Test(
        "MySQL's zero date",
        arguments: ["0000-00-00", "0000-00-00 00:00:00", "0000-00-00T00:00:00Z"])
    func mysqlZeroDateIsNoDate(text: String) throws {
        let feed = try rssItem(published: text)
        #expect(feed.items.first?.published == nil)
        #expect(warnsOfPlaceholder(feed, field: "published", value: text), "\(feed.warnings)")
        #expect(!feed.warnings.contains { $0.contains("unreadable") }, "a placeholder, not a garbled date")
    }

    @Test func zeroTimestampInJSONFeedIsNoDate() throws {
        let feed = try parse(
            """
            {"version": "https://jsonfeed.org/version/1.1", "title": "T",
             "items": [{"id": "1", "title": "Zero", "date_published": 0, "date_modified": "2025-06-02T00:00:00Z"}]}
            """)
        let item = try #require(feed.items.first)
        #expect(item.published == nil)
        #expect(stamp(item.updated) == "2025-06-02T00:00:00Z")
        #expect(warnsOfPlaceholder(feed, field: "published", value: "0"), "\(feed.warnings)")
    }

    @Test func placeholderFeedDateIsNoDate() throws {
        let feed = try parse(rss("", channel: "<title>T</title><lastBuildDate>Thu, 01 Jan 1970 00:00:00 GMT</lastBuildDate>"))
        #expect(feed.updated == nil)
        #expect(warnsOfPlaceholder(feed, field: "updated", value: "Thu, 01 Jan 1970 00:00:00 GMT"), "\(feed.warnings)")
    }

    /// Only the exact zero values are placeholders: dates beside them are read as before.
    @Test(
        "Real dates near the placeholders",
        arguments: [
            ("1970-01-02T00:00:00Z", "1970-01-02T00:00:00Z"),
            ("1970-01-01T00:00:01Z", "1970-01-01T00:00:01Z"),
            ("Thu, 01 Jan 1970 12:30:00 GMT", "1970-01-01T12:30:00Z"),
            ("1970-01-01T00:00:00+01:00", "1969-12-31T23:00:00Z"),  // midnight, but not the epoch
            ("0001-01-01T00:00:01Z", "0001-01-01T00:00:01Z"),
            ("0001-01-02T00:00:00Z", "0001-01-02T00:00:00Z"),
            ("0001-01-01T12:00:00Z", "0001-01-01T12:00:00Z"),
            ("Mon, 01 Jan 1900 00:00:00 GMT", "1900-01-01T00:00:00Z"),
            ("2000-01-01T00:00:00Z", "2000-01-01T00:00:00Z"),
        ])
    func realDatesNearThemStand(text: String, expected: String) throws {
        let feed = try rssItem(published: text)
        #expect(stamp(feed.items.first?.published) == expected)
        #expect(!feed.warnings.contains { $0.contains("placeholder") }, "\(feed.warnings)")
    }

    @Test func placeholderRuleOnItsOwn() {
        for text in ["0", "0.0", "000", " 0001-01-01T00:00:00Z ", "0000-00-00 12:34:56", "0001-01-01T00:00"] {
            #expect(FeedDate.isPlaceholder(text, parsed: FeedDate.parse(text)), "\(text)")
        }
        for text in [
            "", "01", "0.5", "0000-00-001", "0001-01-01T00:00:00.5Z", "0001-01-01T00:00:01Z", "0001-01-01 00:01", "0001-01-011",
            "1970-01-01T00:00:00.5Z",
        ] {
            #expect(!FeedDate.isPlaceholder(text, parsed: FeedDate.parse(text)), "\(text)")
        }
    }
}
