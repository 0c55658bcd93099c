import FeedTestSupport
import Foundation
import Testing

@testable import NewsdeskParse

/// A document cut off inside its last item's text keeps that item, with the text that arrived,
/// when its title and identity arrived whole; cut inside its title or link, it loses it.
@Suite("The last item of a cut-off feed")
struct CutOffItemTests {
    static let rssHead =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
        + "<channel><title>T</title><link>https://news.example/</link>\n"
        + "<item><title>One</title><link>https://news.example/1</link><guid>n-1</guid>"
        + "<content:encoded><![CDATA[<p>Whole.</p>]]></content:encoded></item>\n"

    static let atomHead =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T</title>\n"
        + "<entry><id>urn:n:1</id><title>One</title><link href=\"https://news.example/1\"/><updated>2025-06-01T00:00:00Z</updated>"
        + "<content type=\"html\">&lt;p&gt;Whole.&lt;/p&gt;</content></entry>\n"

    private func cutOffWarning(_ feed: Feed, item title: String) -> Bool {
        feed.warnings.contains { $0.contains("item \"\(title)\"") && $0.contains("the document ends inside its") }
    }

    @Test func rssCutInsideContentEncodedKeepsTheItem() throws {
        let feed = try parse(
            Self.rssHead
                + "<item><title>Two</title><link>https://news.example/2</link><guid>n-2</guid>"
                + "<pubDate>Sun, 01 Jun 2025 10:00:00 GMT</pubDate>"
                + "<content:encoded><![CDATA[<p>The first paragraph arrived.</p><p>The sec")
        #expect(feed.items.map(\.title) == ["One", "Two"])
        let last = try #require(feed.items.last)
        #expect(last.guid == "n-2")
        #expect(last.identity == "n-2")
        #expect(last.link == "https://news.example/2")
        #expect(stamp(last.published) == "2025-06-01T10:00:00Z")
        #expect(last.content == "<p>The first paragraph arrived.</p><p>The sec</p>", "what arrived, its open tag closed")
        #expect(cutOffWarning(feed, item: "Two"), "\(feed.warnings)")
        #expect(feed.warnings.contains { $0.contains("recovered 1 complete items and the last one, cut off") }, "\(feed.warnings)")
    }

    @Test func rssCutInsideEscapedDescriptionKeepsTheItem() throws {
        let feed = try parse(
            Self.rssHead + "<item><title>Two</title><guid>n-2</guid><description>&lt;p&gt;Half a sent")
        let last = try #require(feed.items.last)
        #expect(feed.items.count == 2)
        #expect(last.title == "Two")
        #expect(last.summary == "<p>Half a sent</p>")
        #expect(last.excerpt == "Half a sent")
        #expect(cutOffWarning(feed, item: "Two"), "\(feed.warnings)")
    }

    @Test func atomCutInsideContentKeepsTheEntry() throws {
        let feed = try parse(
            Self.atomHead
                + "<entry><id>urn:n:2</id><title>Two</title><link href=\"https://news.example/2\"/>"
                + "<content type=\"html\">&lt;p&gt;Most of the story, but not")
        #expect(feed.items.map(\.title) == ["One", "Two"])
        let last = try #require(feed.items.last)
        #expect(last.identity == "urn:n:2")
        #expect(last.link == "https://news.example/2")
        #expect(last.content == "<p>Most of the story, but not</p>")
        #expect(cutOffWarning(feed, item: "Two"), "\(feed.warnings)")
    }

    @Test func atomCutInsideXHTMLContentKeepsTheEntry() throws {
        let feed = try parse(
            Self.atomHead
                + "<entry><id>urn:n:2</id><title>Two</title>"
                + "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Some <b>bold</b> te")
        let last = try #require(feed.items.last)
        #expect(feed.items.count == 2)
        #expect(last.content == "<p>Some <b>bold</b> te</p>")
        #expect(cutOffWarning(feed, item: "Two"), "\(feed.warnings)")
    }

    @Test func rssCutInsideTheTitleDropsTheItem() throws {
        let feed = try parse(Self.rssHead + "<item><guid>n-2</guid><link>https://news.example/2</link><title>Half a ti")
        #expect(feed.items.map(\.title) == ["One"])
        #expect(!feed.warnings.contains { $0.contains("the document ends inside") })
        #expect(feed.warnings.contains { $0.hasSuffix("recovered 1 complete items") }, "\(feed.warnings)")
    }

    @Test func rssCutInsideTheLinkDropsTheItem() throws {
        let feed = try parse(
            Self.rssHead + "<item><title>Two</title><guid>n-2</guid><link>https://news.example/2-and-m")
        #expect(feed.items.map(\.title) == ["One"])
    }

    @Test func rssCutInsideTheLinkOfAnItemWithoutGuidDropsIt() throws {
        let feed = try parse(Self.rssHead + "<item><title>Two</title><link>https://news.exa")
        #expect(feed.items.map(\.title) == ["One"])
    }

    @Test func atomCutInsideTheLinkTagDropsTheEntry() throws {
        let feed = try parse(Self.atomHead + "<entry><id>urn:n:2</id><title>Two</title><link href=\"https://news.example/2-and-m")
        #expect(feed.items.map(\.title) == ["One"])
    }

    @Test func atomCutInsideTheTitleDropsTheEntry() throws {
        let feed = try parse(Self.atomHead + "<entry><id>urn:n:2</id><link href=\"https://news.example/2\"/><title>Tw")
        #expect(feed.items.map(\.title) == ["One"])
    }

    /// Without a guid or a link nothing would recognise the item on the next fetch, when it
    /// arrives whole: it waits for that.
    @Test func itemWithoutIdentityIsDropped() throws {
        let feed = try parse(Self.rssHead + "<item><title>Two</title><description>cut off here")
        #expect(feed.items.map(\.title) == ["One"])
    }

    @Test func itemCutBetweenElementsIsDropped() throws {
        let feed = try parse(Self.rssHead + "<item><title>Two</title><guid>n-2</guid><descri")
        #expect(feed.items.map(\.title) == ["One"])
    }

    /// libxml2 stopping at its depth limit inside a description is a broken document, not a cut one.
    @Test func parseStoppedEarlyKeepsNoPartialItem() throws {
        let depth = 1_000
        let feed = try parse(
            rss(
                "<item><title>Before</title><guid>b</guid></item><item><title>Deep</title><guid>d</guid><description>"
                    + String(repeating: "<x>", count: depth) + "text" + String(repeating: "</x>", count: depth)
                    + "</description></item>"))
        #expect(feed.items.map(\.title) == ["Before"])
        #expect(!feed.warnings.contains { $0.contains("the document ends inside") })
    }

    @Test func aFeedOfOneCutOffItemIsAFeed() throws {
        let feed = try parse(
            "<rss version=\"2.0\"><channel><item><title>Only</title><guid>o-1</guid><description>Just the start")
        #expect(feed.items.map(\.title) == ["Only"])
        #expect(feed.items.first?.summary == "Just the start")
    }
}
