import FeedTestSupport
import Foundation
import Testing

@testable import NewsdeskParse

@Suite("Details found by the feedparser conformance suite")
struct FeedDetailTests {
    @Test func atom03Base64HTMLIsDecodedThenSanitized() throws {
        // "Example <b>Atom</b>" in base64, declared as HTML.
        let feed = try parse(
            """
            <feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry><id>e</id>
            <summary type="text/html" mode="base64">RXhhbXBsZSA8Yj5BdG9tPC9iPg==</summary></entry></feed>
            """)
        #expect(feed.items.first?.summary == "Example <b>Atom</b>")
    }

    @Test func atom10OtherMediaTypesAreBase64Text() throws {
        let feed = try parse(
            """
            <feed xmlns="http://www.w3.org/2005/Atom"><entry><id>e</id>
            <content type="application/octet-stream">SGVsbG8=</content></entry></feed>
            """)
        #expect(feed.items.first?.content == "Hello")
    }

    @Test func unclosedEmbedDoesNotSwallowTheText() {
        #expect(HTMLSanitizer.sanitize("safe <embed src=\"x.swf\"> description", base: nil) == "safe  description")
    }

    @Test func channelPubDateAndDublinCoreFallbacks() throws {
        let feed = try parse(
            """
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><dc:title>DC title</dc:title>
            <pubDate>Thu, 01 Jan 2004 19:48:21 GMT</pubDate>
            <item><dc:title>Item via DC</dc:title><dc:description>Said in DC</dc:description></item></channel></rss>
            """)
        #expect(feed.title == "DC title")
        #expect(stamp(feed.updated) == "2004-01-01T19:48:21Z")
        #expect(feed.items.first?.title == "Item via DC")
        #expect(feed.items.first?.summary == "Said in DC")
    }

    @Test func rootXMLLangIsTheLanguageWhenNoElementSaysOtherwise() throws {
        #expect(try parse("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\"><title>t</title></feed>").language == "fr")
        let rss = try parse("<rss version=\"2.0\" xml:lang=\"fr\"><channel><title>t</title><language>de</language></channel></rss>")
        #expect(rss.language == "de")
        #expect(try parse("<rss version=\"2.0\"><channel><language>en_US</language></channel></rss>").language == "en-US")
    }

    /// An Atom link without an href whose rel is alternate (or absent) gives its text as the
    /// URL, for the entry and the feed; other rels without an href are nothing.
    @Test func atomLinkTextWhenThereIsNoHref() throws {
        let feed = try parse(
            """
            <feed xmlns="http://www.w3.org/2005/Atom"><link>https://example.org/</link>
            <entry><link rel="alternate" type="text/html">https://example.org/a</link>
            <link rel="enclosure">https://example.org/a.mp3</link></entry>
            <entry><link rel="enclosure">https://example.org/b.mp3</link><link> https://example.org/b </link></entry>
            <entry><link rel="related">https://example.org/c</link></entry></feed>
            """)
        #expect(feed.link == "https://example.org/")
        #expect(feed.items.map(\.link) == ["https://example.org/a", "https://example.org/b", nil])
        #expect(feed.items.allSatisfy { $0.enclosures.isEmpty })
    }

    /// `type=""` is no type: the text is read as text, not as base64 of an unknown media type.
    @Test func atomTextWithAnEmptyType() throws {
        let feed = try parse(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title type=\"\">evil &amp; good</title></entry></feed>")
        #expect(feed.items.first?.title == "evil & good")
    }

    @Test(arguments: [
        ("editor@example.com (Example Editor)", "Example Editor"),
        ("Example Editor (editor@example.com)", "Example Editor"),
        ("Example Editor <editor@example.com>", "Example Editor"),
        ("Plain Name", "Plain Name"),
    ])
    func authorNames(raw: String, name: String) {
        #expect(FeedNormalizer.authorName(raw) == name)
    }

    @Test func characterReferencesXMLWouldRefuse() throws {
        let feed = try parse(rss("<item><title>&#X41;&#x42; don&#146;t &#150; ok</title></item>"))
        #expect(feed.items.first?.title == "AB don’t – ok")
    }

    @Test func xhtmlBodyAndFullitemInRSS() throws {
        let feed = try parse(
            rss(
                """
                <item><title>x</title><body xmlns="http://www.w3.org/1999/xhtml"><p>Example <b>content</b></p></body>
                <fullitem>safe&lt;applet code="foo.class"&gt;&lt;/applet&gt; description</fullitem></item>
                """))
        #expect(feed.items.first?.content == "<p>Example <b>content</b></p>")
        #expect(feed.items.first?.summary == "safe description")
    }

    /// XHTML markup is written back out with its attribute values escaped a run at a time: an
    /// ampersand (first, between runs, last) keeps its meaning, and `<`, `>` and `"` are escaped.
    @Test func xhtmlAttributeValuesAreEscapedAroundTheirAmpersands() throws {
        let feed = try parse(
            rss(
                """
                <item><title>x</title><body xmlns="http://www.w3.org/1999/xhtml"><p>\
                <a href="https://e.example/?a=1&amp;b=2&amp;c=3">one</a>\
                <a href="https://e.example/&amp;x" title="&quot;q&quot; &lt;t&gt; &amp;">two</a>\
                <abbr title="a &gt; b &amp;">three</abbr></p></body></item>
                """))
        #expect(
            feed.items.first?.content
                == "<p><a href=\"https://e.example/?a=1&amp;b=2&amp;c=3\">one</a>"
                + "<a href=\"https://e.example/&amp;x\" title=\"&quot;q&quot; &lt;t&gt; &amp;\">two</a>"
                + "<abbr title=\"a &gt; b &amp;\">three</abbr></p>")
    }

    @Test func mediaTitleAndDublinCoreTermsFallbacks() throws {
        let feed = try parse(
            rss(
                """
                <item xmlns:media="http://search.yahoo.com/mrss/" xmlns:dcterms="http://purl.org/dc/terms/">
                <media:group><media:title>Only a media title</media:title><media:description>Clip</media:description></media:group>
                <dcterms:creator>Terms Author</dcterms:creator><dcterms:subject>Terms</dcterms:subject>
                <dcterms:date>2025-06-01T10:00:00Z</dcterms:date></item>
                <item><title>Own title</title><media:title xmlns:media="http://search.yahoo.com/mrss/">Media</media:title></item>
                """))
        #expect(feed.items[0].title == "Only a media title")
        #expect(feed.items[0].summary == "Clip")
        #expect(feed.items[0].authors == ["Terms Author"])
        #expect(feed.items[0].categories == ["Terms"])
        #expect(stamp(feed.items[0].updated) == "2025-06-01T10:00:00Z")
        #expect(feed.items[1].title == "Own title")
    }
}
