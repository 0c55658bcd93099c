import Foundation
import Testing

@testable import NewsdeskConfig
@testable import NewsdeskParse

@Suite struct OPMLTests {
    static let document = """
        <?xml version="1.0" encoding="UTF-8"?>
        <opml version="2.0">
          <head><title>Mine</title></head>
          <body>
            <outline text="News">
              <outline text="World">
                <outline type="rss" text="Daily &amp; World" xmlUrl="https://a.example/world.rss"/>
              </outline>
              <outline type="rss" text="Local" title="The Local" xmlUrl="https://b.example/local.xml" category="/Towns/Harbour"/>
            </outline>
            <outline type="rss" text="Loose" xmlUrl="https://c.example/feed"/>
            <outline type="link" text="A web page" url="https://d.example/"/>
          </body>
        </opml>
        """

    @Test func nestedOutlinesBecomeTags() throws {
        let subscriptions = try OPML.subscriptions(in: Array(Self.document.utf8))
        #expect(subscriptions.count == 3)
        #expect(subscriptions[0] == .init(url: "https://a.example/world.rss", title: "Daily & World", tags: ["News", "World"]))
        #expect(subscriptions[1] == .init(url: "https://b.example/local.xml", title: "The Local", tags: ["News", "Towns", "Harbour"]))
        #expect(subscriptions[2] == .init(url: "https://c.example/feed", title: "Loose", tags: []))
    }

    @Test func importWritesValidTOMLAndSkipsKnownFeeds() throws {
        let existing = try ConfigLoader.parse(text: "[[feed]]\nurl = \"https://C.example/feed\"\n", path: "/x/feeds.conf")
        let subscriptions = try OPML.subscriptions(in: Array(Self.document.utf8))
        let (text, added) = OPML.tomlForImport(subscriptions, existing: existing)
        #expect(added == 2)
        let merged = try ConfigLoader.parse(text: "[[feed]]\nurl = \"https://C.example/feed\"\n" + text, path: "/x/feeds.conf")
        #expect(merged.feeds.map(\.url) == ["https://C.example/feed", "https://a.example/world.rss", "https://b.example/local.xml"])
        #expect(merged.feeds[1].name == "Daily & World" && merged.feeds[1].tags == ["News", "World"])
    }

    @Test func hostileTitlesStayInsideTheirTOMLString() throws {
        let subscription = OPML.Subscription(url: "https://e.example/x", title: "a\"b\\c\n[[feed]]\nurl = \"evil\"", tags: ["t\"1"])
        let (text, _) = OPML.tomlForImport([subscription], existing: Config())
        let config = try ConfigLoader.parse(text: text, path: "/x/feeds.conf")
        #expect(config.feeds.count == 1)
        #expect(config.feeds[0].name == "a\"b\\c\n[[feed]]\nurl = \"evil\"")
        #expect(config.feeds[0].tags == ["t\"1"])
    }

    @Test func exportRoundTripsThroughImport() throws {
        let config = try ConfigLoader.parse(
            text: """
                [newsdesk]
                title = "Mine & yours"
                [[feed]]
                url = "https://a.example/world.rss?x=1&y=2"
                name = "World <news>"
                tags = ["world", "daily"]
                [[feed]]
                url = "https://b.example/feed"
                """, path: "/x/feeds.conf")
        let opml = OPML.export(config, now: Date(timeIntervalSince1970: 0))
        #expect(opml.contains("<title>Mine &amp; yours</title>"))
        #expect(opml.contains("<dateCreated>Thu, 01 Jan 1970 00:00:00 GMT</dateCreated>"))
        #expect(opml.contains("xmlUrl=\"https://a.example/world.rss?x=1&amp;y=2\""))
        let back = try OPML.subscriptions(in: Array(opml.utf8))
        #expect(back.map(\.url) == ["https://a.example/world.rss?x=1&y=2", "https://b.example/feed"])
        #expect(back[0].title == "World <news>" && back[0].tags == ["world", "daily"])
    }

    /// An OPML file is not trusted as the config is: its `file:` feeds (and anything else not
    /// http(s)) are skipped, each with its reason, and the rest imported.
    @Test func onlyHTTPFeedsAreImportedAndEachSkippedOneIsNamed() throws {
        let document = """
            <opml version="2.0"><body>
            <outline text="Passwords" xmlUrl="file:/etc/passwd"/>
            <outline text="State" xmlUrl="file:///var/lib/newsdesk/newsdesk.sqlite"/>
            <outline xmlUrl="gopher://old.example/feed"/>
            <outline text="Sneaky&#10;line" xmlUrl="ftp://x.example/f&#10;ok"/>
            <outline text="Fine" xmlUrl="https://fine.example/rss"/>
            <outline text="Plain" xmlUrl="HTTP://plain.example/rss"/>
            </body></opml>
            """
        let (accepted, skipped) = OPML.screen(try OPML.subscriptions(in: Array(document.utf8)))
        #expect(accepted.map(\.url) == ["https://fine.example/rss", "HTTP://plain.example/rss"])
        #expect(
            skipped.map(\.description) == [
                "skipped \"Passwords\" (file:/etc/passwd): only http and https feeds are imported",
                "skipped \"State\" (file:///var/lib/newsdesk/newsdesk.sqlite): only http and https feeds are imported",
                "skipped gopher://old.example/feed: only http and https feeds are imported",
                "skipped \"Sneaky\\nline\" (ftp://x.example/f\\nok): only http and https feeds are imported",
            ])
    }

    @Test func somethingElseIsNotOPML() {
        #expect(throws: OPML.ReadError.self) { try OPML.subscriptions(in: Array("<rss><channel/></rss>".utf8)) }
    }
}
