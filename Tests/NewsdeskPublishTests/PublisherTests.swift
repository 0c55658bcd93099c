import FeedTestSupport
import Foundation
import Testing

@testable import NewsdeskConfig
@testable import NewsdeskParse
@testable import NewsdeskPublish
@testable import NewsdeskStore
@testable import NewsdeskStories

@Suite struct PublisherTests {
    func publisher(_ settings: String) throws -> (Publisher, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-publish-\(UUID().uuidString)").path
        let config = try ConfigLoader.parse(text: "[newsdesk]\nstate = \"s.sqlite\"\n\(settings)\n", path: folder + "/feeds.conf")
        return (Publisher(config: config, store: try StateStore(path: config.settings.state)), folder)
    }

    @Test func periodsFollowTheLocalClockOfTheTimeZone() throws {
        let (india, _) = try publisher("timezone = \"Asia/Kolkata\"")
        let now = try #require(FeedDate.parse("2026-11-27T05:10:00Z"))  // 10:40 in Kolkata
        let start = india.periodStart(containing: now)
        #expect(FeedDate.rfc3339(start) == "2026-11-27T04:30:00Z")
        #expect(india.archivePath(start, extension: "atom", folder: "archive") == "archive/2026/11/27/10.atom")
        let (quarters, _) = try publisher("publish_every = \"15m\"")
        let quarter = quarters.periodStart(containing: now)
        #expect(FeedDate.rfc3339(quarter) == "2026-11-27T05:00:00Z")
        #expect(quarters.archivePath(quarter, extension: "md", folder: "digest") == "digest/2026/11/27/0500.md")
    }

    @Test func theRepeatedHourOfAClockChangeGetsItsOwnFilesAndTitle() throws {
        let (newYork, _) = try publisher("timezone = \"America/New_York\"")
        // 2026-11-01: clocks go back from 02:00 EDT to 01:00 EST; 01:00-02:00 local comes twice.
        let first = try #require(FeedDate.parse("2026-11-01T05:00:00Z"))  // 01:00 EDT
        let second = try #require(FeedDate.parse("2026-11-01T06:00:00Z"))  // 01:00 EST
        #expect(newYork.archivePath(first, extension: "atom", folder: "archive") == "archive/2026/11/01/01.atom")
        #expect(newYork.archivePath(second, extension: "atom", folder: "archive") == "archive/2026/11/01/01-2.atom")
        #expect(newYork.title(first, second) == "Top news, 2026-11-01 01:00 (UTC-4)-01:00 (UTC-5) America/New_York")
        #expect(newYork.title(second, second.addingTimeInterval(3_600)) == "Top news, 2026-11-01 01:00-02:00 America/New_York")
    }

    @Test func everyMissedPeriodIsPublishedOnce() throws {
        // Only the config's feeds are ranked.
        let (publisher, _) = try publisher("\n[[feed]]\nurl = \"https://a.example/feed\"")
        let store = publisher.store
        let feed = FeedConfig(url: "https://a.example/feed")
        let record = try #require(try store.syncFeeds([feed]).first)
        let seen = try #require(FeedDate.parse("2026-11-27T05:30:00Z"))
        let item = try #require(
            try FeedParser().parse(Array(rss("<item><guid>1</guid><title>Harbour fire</title></item>").utf8)).items.first)
        try store.record(record, items: [item], now: seen)
        try StoryDesk(config: publisher.config, store: store).update()
        #expect(try publisher.publish(now: seen).periods.isEmpty)
        // Three hours later: 05, 06 and 07 are over; each is published, 05 with the story.
        let report = try publisher.publish(now: seen.addingTimeInterval(3 * 3_600))
        #expect(report.periods.map(FeedDate.rfc3339) == ["2026-11-27T05:00:00Z", "2026-11-27T06:00:00Z", "2026-11-27T07:00:00Z"])
        let archive = try String(contentsOfFile: publisher.config.settings.output + "/archive/2026/11/27/05.atom", encoding: .utf8)
        #expect(archive.contains("Harbour fire"))
        #expect(try publisher.publish(now: seen.addingTimeInterval(3 * 3_600 + 60)).periods.isEmpty)
    }

    @Test func publishEveryMustTileTheDay() {
        #expect(throws: ConfigError.self) { try ConfigLoader.parse(text: "[newsdesk]\npublish_every = \"7m\"\n", path: "/x/c.conf") }
        #expect(throws: ConfigError.self) { try ConfigLoader.parse(text: "[newsdesk]\ntimezone = \"Mars/Olympus\"\n", path: "/x/c.conf") }
    }

    @Test func archivesOlderThanKeepArePruned() throws {
        let (publisher, folder) = try publisher("keep = \"2d\"")
        let now = try #require(FeedDate.parse("2026-11-27T05:10:00Z"))
        let old = folder + "/public/archive/2026/11/20/03.atom"
        let oldDigest = folder + "/public/digest/2026/11/24/04.md"
        let recent = folder + "/public/archive/2026/11/26/06.atom"
        for path in [old, oldDigest, recent] {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        }
        let report = try publisher.publish(now: now)
        #expect(report.pruned == 2)
        #expect(!FileManager.default.fileExists(atPath: old) && !FileManager.default.fileExists(atPath: oldDigest))
        #expect(FileManager.default.fileExists(atPath: recent))
        // No item was ever stored: no period is published (no empty archive before the first news).
        #expect(report.periods.isEmpty)
        #expect(FileManager.default.fileExists(atPath: folder + "/public/ranked.atom"))
    }

    @Test func markdownEscapingNeutralisesEverythingThatHasAMeaning() {
        #expect(Markdown.escape("# Not a heading") == "\\# Not a heading")
        #expect(Markdown.escape("1. Not a list") == "1\\. Not a list")
        #expect(Markdown.escape("2026) nor this") == "2026\\) nor this")
        #expect(Markdown.escape("- nor this") == "\\- nor this")
        #expect(Markdown.escape("+ nor this") == "\\+ nor this")
        #expect(Markdown.escape("> nor a quote") == "\\> nor a quote")
        #expect(Markdown.escape("--- nor a rule") == "\\--- nor a rule")
        #expect(Markdown.escape("  ###### six") == "\\###### six")
        #expect(
            Markdown.escape("a|b [c](d) *e* _f_ `g` <h> ~~i~~ \\*j\nk")
                == "a|b \\[c\\](d) \\*e\\* \\_f\\_ \\`g\\` \\<h> \\~\\~i\\~\\~ \\\\\\*j k")
        #expect(Markdown.escape("a|b", inTable: true) == "a\\|b")
        #expect(Markdown.escape("</script><!-- <?php") == "\\</script>\\<!-- \\<?php")
        #expect(Markdown.escape("AT&amp;T &#38; &#x26; &copy;") == "AT\\&amp;T \\&#38; \\&#x26; \\&copy;")
    }

    /// What needs no escape keeps its bytes: the raw file reads as the feed wrote it.
    @Test func markdownLeavesWhatMeansNothingAlone() {
        for text in [
            "Harbour & Town Gazette", "Fish & chips; 3 < 4 > 2", "snake_case_name and __init__", "C:\\Users\\me", "Up 5% (again)!",
            "#1 in the charts", "-5 degrees at dawn", "3.5 million", "1999 was a year", "a = b", "{braces} and ! alone", "AT&T, R&D",
        ] {
            let expected = text == "snake_case_name and __init__" ? "snake_case_name and \\_\\_init\\_\\_" : text
            #expect(Markdown.escape(text) == expected, "\(text)")
        }
    }

    @Test func markdownLinksTakeOnlyWebURLs() {
        #expect(Markdown.link("t", "javascript:alert(1)") == "t")
        #expect(Markdown.link("t", "https://x.example/a(b)<c>") == "[t](https://x.example/a%28b%29%3Cc%3E)")
        #expect(Markdown.link("t", "https://x.example/a b") == "t")  // white space: not a usable link
        #expect(Markdown.link("p", "https://m.example/a|b[c]") == "[p](https://m.example/a%7Cb%5Bc%5D)")
        #expect(AtomWriter.webLink("HTTPS://x.example/") == "HTTPS://x.example/")
        #expect(AtomWriter.webLink("data:text/html,hi") == nil && AtomWriter.webLink("file:///etc/passwd") == nil)
    }

    @Test func linksOutOfBoundsOrEchoingAFeedsSecretsAreLeftOut() {
        let long = "https://x.example/" + String(repeating: "a", count: AtomWriter.maxLinkBytes)
        #expect(AtomWriter.webLink(String(long.prefix(AtomWriter.maxLinkBytes))) != nil && AtomWriter.webLink(long) == nil)
        #expect(AtomWriter.webLink("https://x.example/\u{202E}exe\u{200B}") == "https://x.example/%E2%80%AEexe%E2%80%8B")
        var settings = Settings()
        settings.maxTitleChars = 10
        settings.maxExcerptChars = 8
        let published = PublishedText(settings)
        let feed = "https://u:pa55word@feeds.example/private?key=0123456789abcdef"
        #expect(published.link("https://site.example/a?key=0123456789abcdef", from: feed) == nil)
        #expect(published.link("https://u:pa55word@site.example/a", from: feed) == nil)
        #expect(published.link("https://site.example/a?page=2", from: feed) == "https://site.example/a?page=2")
        let source = StorySource(
            feedURL: feed, name: "\u{202E}", link: "https://site.example/b", title: "A title longer than ten", firstSeen: Date())
        let story = Story(
            id: "s", title: "A title longer than ten", excerpt: "one two three four", sources: [source], firstSeen: Date(),
            lastUpdated: Date())
        let out = published.story(RankedStory(story: story, score: Scorer(halfLife: 3_600, rules: []).score(story, now: Date()))).story
        #expect(out.title == "A title lo…" && out.excerpt == "one two…")
        #expect(out.sources[0].name == "https://feeds.example/private" && out.sources[0].link == "https://site.example/b")
    }

    @Test func entryIDsAreStableUUIDShapedIRIs() {
        let id = AtomWriter.entryID("story-0123456789abcdef")
        #expect(id == AtomWriter.entryID("story-0123456789abcdef"))
        #expect(id != AtomWriter.entryID("story-0123456789abcdee"))
        #expect(id.hasPrefix("urn:uuid:") && id.count == 45)
    }
}
