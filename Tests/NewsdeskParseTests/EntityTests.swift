import FeedTestSupport
import Foundation
import Testing

@testable import NewsdeskParse

@Suite("Entities, bare ampersands, CDATA")
struct EntityTests {
    @Test func htmlNamedEntitiesUndeclaredInXML() throws {
        let feed = try parse(
            rss(
                "<item><title>A&nbsp;B &eacute;t&eacute; &hellip; &euro;5 &NotEqualTilde; &bigstar;</title><description>&copy; 2025&mdash;ok</description></item>"
            ))
        #expect(feed.items.first?.title == "A B été … €5 \u{2242}\u{338} ★", "titles are plain text with white space folded")
        #expect(feed.items.first?.summary == "© 2025—ok")
        #expect(feed.warnings.isEmpty == false)
    }

    @Test func bareAmpersandsAreText() throws {
        let feed = try parse(rss("<item><title>Tom & Jerry &amp; friends & co;</title><link>https://x.example/?a=1&b=2</link></item>"))
        #expect(feed.items.first?.title == "Tom & Jerry & friends & co;")
        #expect(feed.items.first?.link == "https://x.example/?a=1&b=2")
    }

    @Test func ampersandsInAttributes() throws {
        let feed = try parse(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>x</id><link href=\"https://x.example/?a=1&amp;b=2&#38;c=3\"/></entry></feed>"
        )
        #expect(feed.items.first?.link == "https://x.example/?a=1&b=2&c=3")
    }

    @Test func unclosedCDATAIsClosedAtItsElementsEnd() throws {
        let feed = try parse(
            rss(
                """
                <item><title>One</title><description><![CDATA[<p>open & never closed</p></description></item>
                <item><title>Two</title><description><![CDATA[<p>fine</p>]]></description></item>
                """))
        #expect(feed.items.map(\.title) == ["One", "Two"])
        #expect(feed.items[0].summary == "<p>open &amp; never closed</p>")
        #expect(feed.items[1].summary == "<p>fine</p>")
    }

    @Test func entitiesInsideCDATAAreLeftAlone() throws {
        let feed = try parse(rss("<item><title><![CDATA[Fish &amp; chips &nbsp; & more]]></title></item>"))
        // CDATA holds the characters as written; the title, looking like HTML, is then decoded.
        #expect(feed.items.first?.title == "Fish & chips & more")
    }

    @Test func internalDTDEntitiesStillExpand() throws {
        let feed = try parse(
            """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY org "Example Org">]>
            <rss version="2.0"><channel><title>&org; news</title><item><title>By &org;</title></item></channel></rss>
            """)
        #expect(feed.title == "Example Org news")
        #expect(feed.items.first?.title == "By Example Org")
    }

    @Test func numericReferencesToForbiddenCharactersAreDropped() throws {
        let feed = try parse(rss("<item><title>a&#1;b&#x0;c&#233;</title></item>"))
        #expect(feed.items.first?.title == "abcé")
    }

    /// References to 128-159 are windows-1252, as in HTML; the five codes it leaves unassigned
    /// are dropped, as the decoder drops them as raw characters. In a title, in escaped HTML and
    /// in CDATA alike.
    @Test func numericReferencesToC1AreWindows1252() throws {
        let feed = try parse(
            rss(
                "<item><title>a&#129;b&#146;c&#x9D;d</title><description>&lt;p&gt;x&amp;#141;y&amp;#150;z&lt;/p&gt;</description>"
                    + "<content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><![CDATA[<p>&#143;&#133;</p>]]></content:encoded></item>"
            ))
        #expect(feed.items.first?.title == "ab’cd")
        #expect(feed.items.first?.summary == "<p>xy–z</p>")
        #expect(feed.items.first?.content == "<p>…</p>")
    }

    /// Character data that holds references is lifted out before libxml2 and decoded by
    /// `XMLRepair` (libxml2 makes a call per reference); a run that is not plainly character data
    /// stays for libxml2. Either way the text must come out the same.
    @Test(arguments: [
        (
            "<title>caf&eacute; &amp; &#233;&#x4E2D;&#X4E2D; &#150; &quot;q&quot; &apos;s &#1;& co</title>", true,
            "café & é中中 – \"q\" 's & co"
        ),
        ("<title a=\"x>y\">Tom &amp; Jerry</title>", true, "Tom & Jerry"),
        // An `&` in an attribute leaves the text up to the next tag to libxml2.
        ("<title a=\"x>y\" b='&gt;'>Tom &amp; Jerry</title>", false, "Tom & Jerry"),
        ("<title>a > b &amp; c</title>", false, "a > b & c"),
        ("<title>one &amp;\r\ntwo</title>", false, "one & two"),
        ("<title>&lt;b&gt;bold&lt;/b&gt; &amp;amp;</title>", true, "bold &"),
    ])
    func textWithReferencesIsLiftedWhereItIsPlainlyCharacterData(title: String, lifted: Bool, expected: String) throws {
        let document = rss("<item>\(title)</item>")
        #expect(XMLRepair.repair(Array(document.utf8)).pieces.isEmpty != lifted)
        #expect(try parse(document).items.first?.title == expected)
    }

    /// Lifted text alone in its element is used where it lies; markup or text after it must
    /// still join it, in order.
    @Test func liftedTextJoinsWhatFollowsIt() throws {
        let feed = try parse(
            rss(
                """
                <item><title>a</title><description>&lt;i&gt;one&lt;/i&gt;<b>two</b> three</description>
                <guid>https://x.example/?a=1&amp;b=2</guid></item>
                <item><title>b</title><description><![CDATA[<p>four</p>]]><![CDATA[<p>five</p>]]></description></item>
                """))
        #expect(feed.items.map(\.summary) == ["<i>one</i><b>two</b> three", "<p>four</p><p>five</p>"])
        #expect(feed.items.first?.guid == "https://x.example/?a=1&b=2")
        #expect(feed.items.first?.excerpt == "onetwo three", "inline tags do not separate words")
    }

    @Test func liftedTextOverTheFieldCapIsCut() throws {
        let text = String(repeating: "&lt;b&gt;x&lt;/b&gt; ", count: 500_000)  // 4.5 MB once decoded: over the 4 MiB cap
        let feed = try parse(rss("<item><title>big</title><description>\(text)</description></item>"))
        #expect(feed.warnings.contains { $0.contains("1 elements had more than 4194304 bytes") }, "\(feed.warnings)")
        #expect(feed.items.first?.summary?.hasPrefix("<b>x</b> <b>x</b>") == true)
    }

    @Test func declaredEntitiesKeepTheirRunInTheDocument() throws {
        let document = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY org "Example Org">]>
            <rss version="2.0"><channel><title>T</title><item><title>&org; &amp; friends</title></item></channel></rss>
            """
        #expect(XMLRepair.repair(Array(document.utf8)).pieces.isEmpty)
        #expect(try parse(document).items.first?.title == "Example Org & friends")
    }

    @Test func linesAfterLiftedTextAreCountedRight() throws {
        let document = """
            <rss version="2.0"><channel><title>T</title>
            <item><title>a</title><description>&lt;p&gt;one
            two &amp; <![CDATA[three
            four]]> five&lt;/p&gt;</description></item>
            <item><title>b</title></itm>
            </channel></rss>
            """
        // The text before the CDATA section and the section are lifted; the text after the
        // section follows `]]>`, not a tag, so it stays.
        #expect(XMLRepair.repair(Array(document.utf8)).pieces.count == 2)
        let feed = try parse(document)
        #expect(feed.items.first?.summary == "<p>one\ntwo &amp; three\nfour five</p>")
        #expect(feed.warnings.contains { $0.contains("at line 5,") }, "\(feed.warnings)")
    }

    @Test func decodeHelper() {
        #expect(HTMLEntities.decode("&lt;&amp;&#x41;&#66;&unknown;&") == "<&AB&unknown;&")
    }

    /// How HTML text reads references, kept as it was when the three readers became one.
    @Test func htmlReferenceSyntax() {
        #expect(HTMLEntities.decode("&#+65;&#0000000066;&#x+43;") == "ABC", "a plus sign and any number of digits")
        #expect(HTMLEntities.decode("&#x80;&#150;&#129;.") == "\u{20AC}\u{2013}.", "0x80-0x9F as windows-1252, unassigned dropped")
        #expect(HTMLEntities.decode("&#0;&#xD800;&#1114112;&#99999999999;&#-65;&#x;") == "&#0;&#xD800;&#1114112;&#99999999999;&#-65;&#x;")
        #expect(HTMLEntities.decode("&nbsp;&apos;&quot;&lt;&gt;&amp;") == "\u{A0}'\"<>&")
        #expect(HTMLEntities.decode("&amp &a b; &NotEqualTilde;") == "&amp &a b; \u{2242}\u{338}")
        let long = "&" + String(repeating: "a", count: 39) + ";"
        #expect(HTMLEntities.decode(long) == long, "a name is read only within 40 bytes")
    }
}
