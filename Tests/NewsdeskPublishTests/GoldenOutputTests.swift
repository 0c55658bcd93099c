import FeedTestSupport
import Foundation
import Testing

@testable import NewsdeskConfig
@testable import NewsdeskParse
@testable import NewsdeskPublish
@testable import NewsdeskStories

/// The outputs of one fixed ranking (`Fixtures/golden/stories.json`: a story of three sources,
/// one a wire copy; a Chinese one; a hostile one from a feed whose URL carries secrets) against
/// the files beside it, byte for byte: `ranked.atom`, `digest.md`, `index.html`. A difference
/// fails with a unified diff. After a change meant to alter an output, regenerate them with
/// `NEWSDESK_UPDATE_GOLDEN=1 swift test --filter GoldenOutputTests`, and read the diff in git.
@Suite struct GoldenOutputTests {
    struct Input: Decodable {
        var now: String
        var stories: [GoldenStory]
    }

    struct GoldenStory: Decodable {
        var id: String
        var firstSeen: String
        var lastUpdated: String
        var sources: [Source]

        enum CodingKeys: String, CodingKey {
            case id, sources
            case firstSeen = "first_seen"
            case lastUpdated = "last_updated"
        }
    }

    struct Source: Decodable {
        var feedURL, name: String
        var weight: Double
        var tags: [String]
        var link, title, excerpt, copyOf: String?
        var firstSeen: String
        var published: String?

        enum CodingKeys: String, CodingKey {
            case name, weight, tags, link, title, excerpt, published
            case feedURL = "feed_url"
            case copyOf = "copy_of"
            case firstSeen = "first_seen"
        }
    }

    static func date(_ text: String) throws -> Date { try #require(FeedDate.parse(text)) }

    /// The fixture's stories, scored at its `now`, best first, as they would be published.
    static func ranking() throws -> (stories: [RankedStory], now: Date) {
        let input = try JSONDecoder().decode(Input.self, from: Data(try fixture("golden/stories.json", in: .module)))
        let now = try date(input.now)
        let scorer = Scorer()
        var ranked: [RankedStory] = []
        for entry in input.stories {
            let sources = try entry.sources.map { source in
                StorySource(
                    feedURL: source.feedURL, name: source.name, weight: source.weight, tags: source.tags, link: source.link,
                    title: source.title, excerpt: source.excerpt, copyOf: source.copyOf, firstSeen: try date(source.firstSeen),
                    published: try source.published.map(date))
            }
            let lead = sources[0]
            let story = Story(
                id: entry.id, title: lead.title ?? "(untitled)", link: lead.link, excerpt: lead.excerpt, sources: sources,
                firstSeen: try date(entry.firstSeen), lastUpdated: try date(entry.lastUpdated))
            ranked.append(RankedStory(story: story, score: scorer.score(story, now: now)))
        }
        let published = PublishedText(Settings())
        return (Ranking.top(ranked, count: 25, perSource: 3).map(published.story), now)
    }

    /// Fails with a unified diff unless `actual` is the golden file `name` (or rewrites it).
    static func expectGolden(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/golden/\(name)")
        if ProcessInfo.processInfo.environment["NEWSDESK_UPDATE_GOLDEN"] == "1" {
            try Data(actual.utf8).write(to: golden)
            return
        }
        let expected = String(decoding: try fixture("golden/\(name)", in: .module), as: UTF8.self)
        guard actual != expected else { return }
        let written = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-golden-\(UUID().uuidString)-\(name)")
        try Data(actual.utf8).write(to: written)
        let diff = Process()
        diff.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
        diff.arguments = ["-u", golden.path, written.path]
        let out = Pipe()
        diff.standardOutput = out
        try diff.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        diff.waitUntilExit()
        Issue.record("\(name) differs from its golden file:\n\(text)", sourceLocation: sourceLocation)
    }

    @Test func theAtomFeedIsItsGoldenFile() throws {
        let (stories, now) = try Self.ranking()
        var document = AtomDocument(
            title: "Newsdesk: top news", id: "https://news.example.org/ranked.atom", path: "ranked.atom",
            baseURL: "https://news.example.org/", updated: now, stories: stories, redThreshold: 60)
        document.selfURL = "https://news.example.org/ranked.atom"
        document.previousArchive = "archive/2026/11/27/04.atom"
        document.feeds = ["https://wire.example/rss": .init(title: "Tidewire", link: "https://wire.example/")]
        try Self.expectGolden(AtomWriter.render(document), "ranked.atom")
    }

    @Test func theDigestIsItsGoldenFile() throws {
        let (stories, _) = try Self.ranking()
        try Self.expectGolden(
            DigestWriter.render(title: "Top news, 2026-11-27 05:00-06:00 UTC", stories: stories, redThreshold: 60), "digest.md")
    }

    @Test func theWebEditionIsItsGoldenFile() throws {
        let (stories, _) = try Self.ranking()
        var page = WebPage(
            heading: "Top news in the last hour by importance score", subtitle: "As of 2026-11-27 05:50 UTC",
            feedTitle: "Newsdesk: top news", path: "index.html", atomPath: "ranked.atom", stories: stories, redThreshold: 60)
        page.earlier = [("archive/2026/11/27/04.html", "Top news, 2026-11-27 04:00-05:00 UTC")]
        try Self.expectGolden(HTMLWriter.render(page), "index.html")
    }
}
