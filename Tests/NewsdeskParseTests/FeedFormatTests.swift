import FeedTestSupport
import Foundation
import Testing

@testable import NewsdeskParse

@Suite("Formats: RSS 0.9x, 1.0, 2.0 and Atom 0.3, 1.0")
struct FeedFormatTests {
    @Test func rss20WithCommonNamespaces() throws {
        let feed = try parse(try fixture("rss20.xml", in: .module), url: "https://gazette.example/feed.rss")
        #expect(feed.format == .rss20)
        #expect(feed.title == "Harbour & Town Gazette")
        #expect(feed.link == "https://gazette.example/")
        #expect(feed.selfLink == "https://gazette.example/feed.rss")
        #expect(feed.subtitle == "News from the <b>harbour</b>")
        #expect(feed.language == "en-gb")
        #expect(feed.ttlMinutes == 45)
        #expect(feed.imageURL == "https://gazette.example/logo.png")
        #expect(feed.items.count == 3)

        let first = feed.items[0]
        #expect(first.title == "Ferry timetable changes from Monday")
        #expect(first.guid == "gazette-1001")
        #expect(first.identity == "gazette-1001")
        #expect(first.link == "https://gazette.example/news/ferry?utm_source=rss")
        #expect(stamp(first.published) == "2025-06-10T07:30:00Z")
        #expect(first.authors == ["Ann Lee"])
        #expect(first.categories == ["Transport", "Harbour"])
        #expect(first.summary == "<p>The <b>morning</b> ferry leaves earlier.</p>")
        #expect(
            first.content
                == "<p>Full story with <a href=\"https://gazette.example/timetables/2025.pdf\">the PDF</a> and <img src=\"https://gazette.example/img/ferry.jpg\" alt=\"Ferry\"></p>"
        )
        #expect(first.excerpt == "The morning ferry leaves earlier.")
        #expect(first.enclosures == [Enclosure(url: "https://gazette.example/audio/ferry.mp3", type: "audio/mpeg", length: 123456)])
        #expect(first.thumbnail == "https://gazette.example/thumbs/ferry.jpg")
        #expect(first.commentCount == 7)
        #expect(first.commentsLink == "https://gazette.example/news/ferry#comments")
        #expect(first.duration == 3723)

        let second = feed.items[1]
        #expect(second.link == "https://gazette.example/news/lighthouse", "a permalink guid stands in for a missing link")
        #expect(second.authors == ["Bo Chan"])
        #expect(stamp(second.published) == "2025-06-09T17:00:00Z")
        #expect(second.summary == "Plain words, no markup.")

        let third = feed.items[2]
        #expect(third.guid == nil && third.link == nil)
        #expect(third.identity.hasPrefix("urn:newsdesk:item:"))
    }

    @Test func rss091WithHTMLEntitiesAndDoctype() throws {
        let feed = try parse(try fixture("rss091.xml", in: .module))
        #expect(feed.format == .rss09x)
        #expect(feed.items.count == 1)
        #expect(feed.items[0].title == "Café opens — again")
        #expect(feed.items[0].summary == "Coffee &amp; cake \u{A0}for all.")
    }

    @Test func rss092ItemWithoutTitle() throws {
        let feed = try parse(try fixture("rss092.xml", in: .module))
        #expect(feed.format == .rss09x)
        #expect(feed.items.count == 1)
        #expect(feed.items[0].title == nil)
        #expect(feed.items[0].enclosures.first?.length == 999)
    }

    @Test func rss10() throws {
        let feed = try parse(try fixture("rss10.rdf", in: .module))
        #expect(feed.format == .rss10)
        #expect(feed.title == "RDF Site Summary")
        #expect(stamp(feed.updated) == "2025-06-10T09:00:00Z")
        #expect(feed.items.map(\.title) == ["First RDF item", "Second RDF item"])
        #expect(feed.items[0].guid == "https://rdf.example/a", "rdf:about is the item's id")
        #expect(stamp(feed.items[0].updated) == "2025-06-10T06:15:00Z")
        #expect(feed.items[0].authors == ["Dee Cee"])
        #expect(feed.items[0].categories == ["Semantics"])
        #expect(feed.items[0].summary == "About <i>RDF</i>")
        #expect(stamp(feed.items[1].updated) == "2025-06-09T10:00:00Z")
    }

    @Test func rss090() throws {
        let feed = try parse(try fixture("rss090.rdf", in: .module))
        #expect(feed.format == .rss09x)
        #expect(feed.title == "Mozilla Dot Org")
        #expect(feed.items.map(\.link) == ["http://www.mozilla.org/status/", "http://www.mozilla.org/bugs/"])
    }

    @Test func atom10() throws {
        let feed = try parse(try fixture("atom10.xml", in: .module), url: "https://ignored.example/feed")
        #expect(feed.format == .atom10)
        #expect(feed.title == "Atom <Ten> Blog")
        #expect(feed.link == "https://atom.example/")
        #expect(feed.selfLink == "https://atom.example/blog/atom.xml")
        #expect(stamp(feed.updated) == "2025-06-10T12:00:00Z")
        #expect(feed.items.count == 2)

        let first = feed.items[0]
        #expect(first.title == "Relative & absolute")
        #expect(first.link == "https://atom.example/blog/2025/06/relative", "xml:base on the feed applies")
        #expect(first.guid == "tag:atom.example,2025:1")
        #expect(stamp(first.published) == "2025-06-10T08:00:00Z")
        #expect(stamp(first.updated) == "2025-06-10T11:30:00Z")
        #expect(first.authors == ["Ada Writer"])
        #expect(first.categories == ["feeds", "xml"])
        #expect(first.summary == "Plain &lt;summary&gt; text")
        #expect(first.content == "<p>Hello <a href=\"https://other.example/posts/page\">there</a> &amp; welcome</p>")
        #expect(first.enclosures == [Enclosure(url: "https://atom.example/blog/media/episode.ogg", type: "audio/ogg", length: 4321)])

        let second = feed.items[1]
        #expect(second.title == "An XHTML title")
        #expect(second.link == "https://nested.example/deep/post.html", "xml:base on the entry wins")
        #expect(stamp(second.updated) == "2025-06-09T13:00:00Z")
        #expect(second.content == "<p>Escaped <em>HTML</em> <a>link</a></p>")
    }

    @Test func atom03() throws {
        let feed = try parse(try fixture("atom03.xml", in: .module))
        #expect(feed.format == .atom03)
        #expect(feed.title == "Atom Zero Three")
        #expect(feed.subtitle == "The old draft")
        #expect(feed.items.count == 1)
        let entry = feed.items[0]
        #expect(entry.link == "http://atom03.example/2004/07/old")
        #expect(stamp(entry.published) == "2004-07-11T12:00:00Z")
        #expect(stamp(entry.updated) == "2004-07-11T12:30:00Z")
        #expect(entry.summary == "<b>Escaped</b> summary")
        #expect(entry.content == "Hello from base64")
        #expect(entry.authors == ["Zero Three"])
    }

    @Test func atomWithoutNamespaceIsStillAtom() throws {
        let feed = try parse(
            "<feed><title>No NS</title><entry><title>E</title><link href=\"/e\"/><id>e1</id></entry></feed>",
            url: "https://nons.example/feed.xml")
        #expect(feed.format == .atom10)
        #expect(feed.items.first?.link == "https://nons.example/e")
    }

    @Test func identityFallsBackFromGuidToLinkToHash() throws {
        let feed = try parse(
            rss(
                """
                <item><guid>g-1</guid><link>https://a.example/1</link></item>
                <item><link>https://a.example/2</link></item>
                <item><title>Only a title</title><pubDate>Mon, 09 Jun 2025 17:00:00 GMT</pubDate></item>
                <item><title>Only a title</title><pubDate>Mon, 09 Jun 2025 17:00:00 GMT</pubDate></item>
                <item><title>Only a title</title><pubDate>Tue, 10 Jun 2025 17:00:00 GMT</pubDate></item>
                """))
        let ids = feed.items.map(\.identity)
        #expect(ids[0] == "g-1")
        #expect(ids[1] == "https://a.example/2")
        #expect(ids[2] == ids[3], "the same title and date give the same identity")
        #expect(ids[2] != ids[4], "a different date gives a different identity")
    }
}
