import Foundation
import Testing

@testable import NewsdeskCore

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
        #expect(report.periods.map(FeedDate.rfc3339) == ["2026-11-27T04:00:00Z"])
        #expect(FileManager.default.fileExists(atPath: folder + "/public/archive/2026/11/27/04.atom"))
        // The same period is never published twice.
        #expect(try publisher.publish(now: now.addingTimeInterval(600)).periods.isEmpty)
    }

    @Test func markdownEscapingNeutralisesEverythingThatHasAMeaning() {
        #expect(Markdown.escape("# Not a heading") == "\\# Not a heading")
        #expect(Markdown.escape("1. Not a list") == "1\\. Not a list")
        #expect(Markdown.escape("- nor this") == "\\- nor this")
        #expect(Markdown.escape("a|b [c](d) *e* _f_ `g` <h> & i\nj") == "a\\|b \\[c\\]\\(d\\) \\*e\\* \\_f\\_ \\`g\\` &lt;h&gt; &amp; i j")
        #expect(Markdown.link("t", "javascript:alert(1)") == "t")
        #expect(Markdown.link("t", "https://x.example/a(b)<c>") == "[t](https://x.example/a%28b%29%3Cc%3E)")
        #expect(Markdown.link("t", "https://x.example/a b") == "t")  // white space: not a usable link
        #expect(AtomWriter.webLink("HTTPS://x.example/") == "HTTPS://x.example/")
        #expect(AtomWriter.webLink("data:text/html,hi") == nil && AtomWriter.webLink("file:///etc/passwd") == nil)
    }

    @Test func entryIDsAreStableUUIDShapedIRIs() {
        let id = AtomWriter.entryID("story-0123456789abcdef")
        #expect(id == AtomWriter.entryID("story-0123456789abcdef"))
        #expect(id != AtomWriter.entryID("story-0123456789abcdee"))
        #expect(id.hasPrefix("urn:uuid:") && id.count == 45)
    }
}
