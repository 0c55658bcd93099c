import FeedTestSupport
import Foundation
import Testing

@testable import NewsdeskParse

@Suite("Documents that are not feeds, and broken feeds")
struct FeedErrorTests {
    @Test func htmlPage() throws {
        let error = try #require(parseFailure("<!DOCTYPE html>\n<html><head><title>Home</title></head><body><p>Hi</p></body></html>"))
        #expect(error.kind == .notAFeed)
        #expect(error.message.contains("HTML page"))
        #expect(error.message.contains("<html>"))
    }

    /// A page that links to its feeds says where they are: RSS, Atom and JSON Feed links, any
    /// case, quoted or not, entities decoded, made absolute; stylesheets, other alternates,
    /// commented-out links, URLs that are not http(s) or hold controls, and a plain JSON
    /// alternate beside typed feed links are left out.
    @Test func htmlPageNamesTheFeedsItLinksTo() throws {
        let page = """
            <!DOCTYPE html>
            <html><head><script>if (a < b && c) { go(); }</script>
            <link rel="stylesheet" href="/s.css"><LINK REL="Alternate" TYPE="application/rss+xml" href="/feed?a=1&amp;b=2">
            <link rel=alternate type=application/atom+xml href=https://other.example/atom.xml>
            <link rel="alternate" type="application/feed+json; charset=utf-8" href='feed.json' />
            <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
            <link rel="alternate" hreflang="fr" href="/fr/"><link rel="alternate" type="application/rss+xml" href="/feed?a=1&b=2">
            <linkage rel="alternate" type="application/rss+xml" href="/not-a-link-tag">
            <!-- <link rel="alternate" type="application/rss+xml" href="/commented-out"> -->
            <link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/12">
            <link rel="alternate" type="application/rss+xml" href="mailto:me@example.org">
            <link rel="alternate" type="application/rss+xml" href="https://x.example/a&#10;ERROR&#27;[31m">
            </head><body><p>Hi</p></body></html>
            """
        let error = try #require(parseFailure(page, url: "https://blog.example/posts/"))
        #expect(error.kind == .notAFeed)
        #expect(
            error.message.hasSuffix(
                "; the page names feeds at https://blog.example/feed?a=1&b=2, https://other.example/atom.xml, https://blog.example/posts/feed.json"
            ),
            "\(error.message)")
        #expect(FeedDiscovery.feeds(in: Array("<html><link rel=alternate href=/x></html>".utf8), base: nil).isEmpty)
        // HTML's short comments end at once; a quoted `>` does not end a tag.
        let short = """
            <!--><link rel=alternate type=application/rss+xml href=/a><!---><link rel=alternate type=application/rss+xml href=/b>
            <!-- x --!><link rel="alternate" title="a > b" type="application/rss+xml" href="/c">
            """
        #expect(
            FeedDiscovery.feeds(in: Array(short.utf8), base: URL(string: "https://s.example/"))
                == ["https://s.example/a", "https://s.example/b", "https://s.example/c"])
        // 40,000 distinct plain JSON alternates: at most five kept, each checked against five.
        let manyJSON = (0..<40_000).map { "<link rel=alternate type=application/json href=/j\($0)>" }.joined()
        #expect(FeedDiscovery.feeds(in: Array(manyJSON.utf8), base: URL(string: "https://s.example/")).count == 5)
        let onlyJSON = "<link rel=alternate type=application/json href=/feed.json><!-- unclosed <link rel=alternate"
        #expect(FeedDiscovery.feeds(in: Array(onlyJSON.utf8), base: URL(string: "https://j.example/")) == ["https://j.example/feed.json"])
    }

    /// 50,000 `<link` tags that never close (2.6 MB): each is read at most 2 KiB far, so the
    /// scan is one pass. An unclosed tag runs into the next (as in HTML, where it would run to
    /// the page's first `>`), so the first feed link is found and the tag ending in `>` after it
    /// adds nothing new.
    @Test func discoveryOnAPageOfUnclosedLinkTags() throws {
        let page =
            "<html><head>" + String(repeating: "<link rel=stylesheet href=/s.css ", count: 25_000)
            + String(repeating: "<LINK rel=alternate type=application/rss+xml href=/a ", count: 25_000)
            + "<link rel=alternate type=application/atom+xml href=/b><link rel=alternate type=application/atom+xml href=/c>"
        let found = FeedDiscovery.feeds(in: Array(page.utf8), base: URL(string: "https://x.example/"))
        #expect(found == ["https://x.example/a", "https://x.example/c"])
    }

    @Test func jsonBody() throws {
        let error = try #require(parseFailure("{\"error\": \"rate limited\"}"))
        #expect(error.kind == .notAFeed)
        #expect(error.message.contains("JSON"))
        #expect(error.line == 1)
    }

    @Test func emptyBody() throws {
        #expect(parseFailure("")?.kind == .empty)
        #expect(parseFailure("  \n\t ")?.kind == .empty)
    }

    @Test func otherXML() throws {
        let error = try #require(parseFailure("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"))
        #expect(error.kind == .notAFeed)
        #expect(error.message.contains("<svg>"))
    }

    @Test func plainText() throws {
        let error = try #require(parseFailure("Service unavailable, try later"))
        #expect(error.kind == .notAFeed)
        #expect(error.message.contains("plain text"))
    }

    @Test func truncatedFeedKeepsItsCompleteItems() throws {
        let whole = rss("<item><title>One</title></item><item><title>Two</title></item><item><title>Three</title><description>cut off here")
        let cut = String(whole.prefix(whole.count - "</channel></rss>".count))
        let feed = try parse(cut)
        #expect(feed.items.map(\.title) == ["One", "Two"])
        #expect(feed.warnings.contains { $0.contains("not well-formed") && $0.contains("line") })
    }

    @Test func mismatchedTagsAreRecovered() throws {
        let feed = try parse(rss("<item><title>A</title><description><b>bold</i></description></item><item><title>B</title></item>"))
        #expect(feed.items.map(\.title) == ["A", "B"])
    }

    @Test func brokenFeedWithNothingRecoverableNamesTheSpot() throws {
        let error = try #require(parseFailure("<rss version=\"2.0\"><channel><<<<"))
        #expect(error.kind == .malformed)
        #expect(error.line == 1)
        #expect(error.column != nil)
    }

    @Test func dateFarInTheFutureIsReportedNotTrusted() throws {
        let feed = try parse(
            rss(
                "<item><title>F</title><pubDate>Sat, 01 Jan 2033 00:00:00 GMT</pubDate></item><item><title>N</title><pubDate>Sun, 15 Jun 2025 20:00:00 GMT</pubDate></item>"
            ))
        #expect(feed.items[0].published == nil)
        #expect(feed.items[0].futureDate == "Sat, 01 Jan 2033 00:00:00 GMT")
        #expect(feed.warnings.contains { $0.contains("future") })
        #expect(stamp(feed.items[1].published) == "2025-06-15T20:00:00Z", "within a day ahead is fine")
    }

    @Test func relativeLinksResolveAgainstTheFeedURL() throws {
        let feed = try parse(
            rss("<item><title>L</title><link>../story/1</link></item>", channel: "<title>T</title><link>/</link>"),
            url: "https://news.example/feeds/main.rss")
        #expect(feed.link == "https://news.example/")
        #expect(feed.items.first?.link == "https://news.example/story/1")
    }

    @Test func errorLinesNameTheInputLine() throws {
        // Leading blank lines and a multi-line CDATA section before the error on line 10.
        let document =
            "\n\n<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>L</title>\n"
            + "<item><title>One</title><description><![CDATA[a\nb\nc]]></description></item>\n"
            + "<item><title>Two</title></item>\n\n<oops></channel></rss>\n"
        let feed = try parse(document)
        #expect(feed.items.map(\.title) == ["One", "Two"])
        #expect(feed.items[0].summary == "a\nb\nc")
        #expect(feed.warnings.contains { $0.contains("at line 10,") }, "\(feed.warnings)")
    }
}
