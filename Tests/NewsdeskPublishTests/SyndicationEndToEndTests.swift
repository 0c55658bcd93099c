import FeedTestSupport
import Foundation
import Testing

@testable import NewsdeskConfig
@testable import NewsdeskPublish
@testable import NewsdeskStore
@testable import NewsdeskStories

/// Independent reports through the store, the story desk and the writers.
@Suite struct SyndicationEndToEndTests {
    static let wire = (
        title: "Magnitude 6.8 earthquake strikes Morocco, killing more than 600",
        excerpt: """
        MARRAKESH, Sept 9 (Reuters) - A powerful earthquake struck Morocco late on Friday, killing more than 600 people and \
        damaging buildings in Marrakesh and villages in the High Atlas mountains, the interior ministry said. The quake's \
        epicentre was about 70 km south-west of the city…
        """
    )

    @Test func theDeskCountsIndependentReportsAndTheWritersSayHowMany() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-syndication-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var text = "[newsdesk]\nstate = \"state.sqlite\"\n"
        for feed in 0..<3 { text += "[[feed]]\nurl = \"https://f\(feed).example/rss\"\nname = \"Feed \(feed)\"\n" }
        let config = try ConfigLoader.parse(text: text, path: folder + "/feeds.conf")
        let store = try StateStore(path: config.settings.state)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let wire = Self.wire
        let items: [(title: String, excerpt: String)] = [
            wire,
            ("UPDATE 1-" + wire.title + " - Reuters", wire.excerpt),
            (
                "Morocco earthquake of magnitude 6.8 near Marrakesh kills more than 600",
                "Rescuers dug through rubble in the High Atlas on Saturday after the strongest quake in decades; residents of Marrakesh slept in the streets."
            ),
        ]
        let records = try store.syncFeeds(config.feeds)
        for (feed, item) in items.enumerated() {
            let record = try #require(records.first { $0.url == config.feeds[feed].url })
            let xml =
                "<item><title>\(item.title)</title><link>https://f\(feed).example/quake</link><description>\(item.excerpt)</description></item>"
            _ = try store.record(record, items: try parse(rss(xml)).items, now: now.addingTimeInterval(Double(feed) * 60))
        }
        let desk = StoryDesk(config: config, store: store)
        try desk.update(now: now)
        let ranking = try desk.ranking(now: now.addingTimeInterval(600))
        let story = try #require(ranking.first)
        #expect(ranking.count == 1 && story.story.sources.count == 3)
        #expect(story.story.independent == 2 && story.score.independent == 2)
        #expect(story.story.sources.map(\.copyOf) == [nil, "https://f0.example/rss", nil])
        #expect(story.score.summary.hasPrefix("3 outlets, 2 independent reports, weight 1.0"))

        let digest = DigestWriter.render(title: "Digest", stories: ranking, redThreshold: 60)
        #expect(digest.contains("3 outlets, 2 independent reports"))
        #expect(AtomWriter.summaryHTML(story, red: 60).contains("3 outlets, 2 independent reports"))
        var alone = story
        for index in alone.story.sources.indices { alone.story.sources[index].copyOf = nil }
        alone.score = Scorer().score(alone.story, now: now)
        #expect(!DigestWriter.render(title: "Digest", stories: [alone], redThreshold: 60).contains("outlets"))
        #expect(AtomWriter.summaryHTML(alone, red: 60).contains("3 sources, weight 1.0"))
    }
}
