import FeedTestSupport
import Foundation
import Testing

@testable import NewsdeskParse

@Suite("JSON Feed 1.0 and 1.1")
struct JSONFeedTests {
    static let feed11 = """
        {
          "version": "https://jsonfeed.org/version/1.1",
          "title": "Loopback Notes",
          "home_page_url": "/",
          "feed_url": "https://notes.example/feed.json",
          "description": "Short <em>notes</em>",
          "language": "en_GB",
          "icon": "/icon.png",
          "authors": [{"name": "Ada"}, {"url": "https://no-name.example/"}],
          "items": [
            {"id": 2, "url": "/posts/2", "external_url": "https://elsewhere.example/story",
             "title": "Second\\u0000 post", "summary": "The short of it",
             "content_html": "<p>Hi <a href=\\"/a\\">there</a><script>alert(1)</script></p>",
             "date_published": "2025-06-10T10:00:00+02:00", "date_modified": "2025-06-11T08:30:00Z",
             "tags": ["swift", 5, true, ""],
             "image": "/img/2.png",
             "attachments": [{"url": "/ep2.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 1234, "duration_in_seconds": 61},
                             {"title": "no url"}]},
            {"id": "note-1", "content_text": "Plain <b>text</b>, don\\u0092t", "author": {"name": "Bob"},
             "external_url": "https://elsewhere.example/only"}
          ]
        }
        """

    @Test func feedLevelFields() throws {
        let feed = try parse(Self.feed11, url: "https://mirror.example/feeds/main.json")
        #expect(feed.format == .json11)
        #expect(feed.title == "Loopback Notes")
        #expect(feed.link == "https://mirror.example/", "relative URLs resolve against the URL fetched")
        #expect(feed.selfLink == "https://notes.example/feed.json")
        #expect(feed.subtitle == "Short &lt;em&gt;notes&lt;/em&gt;", "description is plain text")
        #expect(feed.language == "en-GB")
        #expect(feed.imageURL == "https://mirror.example/icon.png")
        #expect(feed.items.count == 2)
    }

    @Test func itemFields() throws {
        let item = try #require(try parse(Self.feed11, url: "https://notes.example/feeds/main.json").items.first)
        #expect(item.guid == "2", "a numeric id is read as its digits")
        #expect(item.identity == "2")
        #expect(item.title == "Second post", "NUL dropped as in XML")
        #expect(item.link == "https://notes.example/posts/2", "url, not external_url, is the link")
        #expect(item.summary == "The short of it")
        #expect(item.excerpt == "The short of it")
        #expect(item.content == "<p>Hi <a href=\"https://notes.example/a\">there</a></p>")
        #expect(stamp(item.published) == "2025-06-10T08:00:00Z")
        #expect(stamp(item.updated) == "2025-06-11T08:30:00Z")
        #expect(item.categories == ["swift", "5"], "true and \"\" are not tags")
        #expect(item.authors == ["Ada"], "the feed's authors, the nameless one left out")
        #expect(item.thumbnail == "https://notes.example/img/2.png")
        #expect(item.enclosures == [Enclosure(url: "https://notes.example/ep2.mp3", type: "audio/mpeg", length: 1234)])
        #expect(item.duration == 61)
    }

    /// Read from a file, the feed's own `feed_url` is the base: the file's path is no base for
    /// the feed's web links.
    @Test func aFileIsNoBaseWhenTheFeedNamesItsURL() throws {
        let feed = try parse(Self.feed11, url: "file:///srv/copies/notes.json")
        #expect(feed.link == "https://notes.example/")
        #expect(feed.items.first?.link == "https://notes.example/posts/2")
        let anonymous = try parse(
            "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [{\"id\": \"1\", \"url\": \"p/1\"}]}",
            url: "file:///srv/copies/notes.json")
        #expect(anonymous.items.first?.link == "file:///srv/copies/p/1")
    }

    @Test func textOnlyItemAndVersionOneAuthor() throws {
        let item = try #require(try parse(Self.feed11).items.last)
        #expect(item.title == nil)
        #expect(item.content == "Plain &lt;b&gt;text&lt;/b&gt;, don’t", "content_text is text; U+0092 read as windows-1252")
        #expect(item.excerpt == "Plain <b>text</b>, don’t")
        #expect(item.authors == ["Bob"])
        #expect(item.link == "https://elsewhere.example/only", "external_url when there is no url")
        #expect(item.identity == "note-1")
    }

    @Test func versionOneAndRelativeLinksAgainstFeedURL() throws {
        let feed = try parse(
            """
            {"version": "https://jsonfeed.org/version/1", "title": "Old", "feed_url": "https://old.example/j/feed.json",
             "author": {"name": "Carol"}, "items": [{"id": "x", "url": "post.html", "content_html": "<img src=\\"i.png\\">"}]}
            """)
        #expect(feed.format == .json10)
        #expect(feed.items.first?.link == "https://old.example/j/post.html")
        #expect(feed.items.first?.content == "<img src=\"https://old.example/j/i.png\">")
        #expect(feed.items.first?.authors == ["Carol"])
    }

    @Test func itemsWithoutIdsGetTheUsualIdentity() throws {
        let feed = try parse(
            """
            {"version": "https://jsonfeed.org/version/1.1", "items": [
              {"url": "https://a.example/1", "title": "one"}, {"title": "two", "date_published": "2025-01-01T00:00:00Z"}, "junk", 7]}
            """)
        #expect(
            feed.items.map(\.identity) == [
                "https://a.example/1", FeedNormalizer.identity(guid: nil, link: nil, title: "two", date: "2025-01-01T00:00:00Z"),
            ])
    }

    @Test func jsonThatIsNotAJSONFeed() throws {
        let error = try #require(parseFailure("{\"error\": \"rate limited\", \"version\": 2}"))
        #expect(error.kind == .notAFeed)
        #expect(error.message.contains("without a JSON Feed \"version\""))
    }

    @Test func brokenJSONNamesItsLineAndColumn() throws {
        let error = try #require(parseFailure("{\"version\": \"https://jsonfeed.org/version/1.1\",\n  \"items\": [1,, 2]}"))
        #expect(error.kind == .notAFeed)
        #expect(error.message.contains("not valid JSON"))
        #expect(error.line == 2)
        #expect(error.column == 15)
    }

    /// 100,000 nested arrays: refused with an error, without exhausting the stack.
    @Test func deepNestingIsRefused() throws {
        let deep =
            "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": "
            + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        let error = try #require(parseFailure(deep))
        #expect(error.kind == .notAFeed)
        #expect(error.message.contains("nested"))
    }

    @Test func sizeCapAppliesToJSONToo() throws {
        let big = Self.feed11 + String(repeating: " ", count: 4096)
        #expect(throws: FeedParseError.self) { try parse(big, maxBytes: 4096) }
        #expect(throws: Never.self) { try parse(big, maxBytes: 8192) }
    }

    /// Ids 0 and 1 are numbers, not booleans (on Linux an NSNumber of 1 also passes `is Bool`);
    /// `true` and `false` are no id or tag. Sizes and durations may be fractions.
    @Test func numbersAreNotBooleans() throws {
        let feed = try parse(
            """
            {"version": "https://jsonfeed.org/version/1.1", "items": [
              {"id": 1, "tags": [1, 0, 2, true, false]}, {"id": 0}, {"id": true, "title": "t"},
              {"id": 3, "attachments": [{"url": "https://a.example/x.mp3", "size_in_bytes": 1.5e3, "duration_in_seconds": 61.5}]}]}
            """)
        #expect(feed.items.map(\.guid) == ["1", "0", nil, "3"])
        #expect(feed.items.first?.categories == ["1", "0", "2"])
        #expect(feed.items.last?.enclosures.first?.length == 1500)
        #expect(feed.items.last?.duration == 62)
    }

    /// PHP's `json_encode` escapes non-ASCII, so mojibake arrives as `\u` escapes: it is
    /// restored as in a raw document, before the C1 characters are read as windows-1252.
    @Test func escapedMojibakeIsRestored() throws {
        let feed = try parse(
            #"{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "m", "title": "don\u00e2\u0080\u0099t caf\u00c3\u00a9 \u0093q\u0094"}]}"#
        )
        #expect(feed.items.first?.title == "don’t café “q”")
    }

    /// An item without authors takes at most ten of the feed's: 2,000 items and 2,000 feed
    /// authors must not become four million names.
    @Test func inheritedAuthorsAreCapped() throws {
        let names = (0..<2_000).map { "{\"name\": \"A\($0)\"}" }.joined(separator: ",")
        let items = Array(repeating: "{}", count: 2_000).joined(separator: ",")
        let feed = try parse("{\"version\": \"https://jsonfeed.org/version/1\", \"authors\": [\(names)], \"items\": [\(items)]}")
        #expect(feed.items.count == 2_000)
        #expect(feed.items.allSatisfy { $0.authors == (0..<10).map { "A\($0)" } })
    }
}
