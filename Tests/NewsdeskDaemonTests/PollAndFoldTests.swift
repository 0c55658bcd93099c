import Foundation
import Logging
import TestSupport
import Testing

@testable import NewsdeskConfig
@testable import NewsdeskDaemon
@testable import NewsdeskStore
@testable import NewsdeskStories

/// Poll, store and cluster end to end: real libcurl, a local server, a real SQLite file.
@Suite struct PollAndFoldTests {
    static func feed(_ items: [(title: String, link: String)]) -> [UInt8] {
        var text = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed</title>"
        for item in items { text += "<item><title>\(item.title)</title><link>\(item.link)</link></item>" }
        return Array((text + "</channel></rss>").utf8)
    }

    @Test func storiesGatherSourcesKeepTheirIdsAndSurviveARestart() throws {
        let round = Counter()
        let server = try LocalHTTPServer { request in
            switch (request.path, round.value) {
            case ("/a", 0):
                return .init(
                    body: Self.feed([("Ceasefire announced in Gaza after weeks of talks", "https://a.example/gaza?utm_source=rss")]))
            case ("/a", _):
                return .init(
                    body: Self.feed([("Ceasefire announced in Gaza after six weeks of talks", "https://a.example/gaza?utm_source=rss")]))
            case ("/b", 0):
                return .init(
                    body: Self.feed([
                        ("Gaza ceasefire agreed following weeks of negotiations", "https://b.example/1"),
                        ("Museum returns stolen painting", "https://b.example/2"),
                    ]))
            case ("/b", _):
                return .init(
                    body: Self.feed([
                        ("Gaza ceasefire agreed following weeks of negotiations", "https://b.example/1"),
                        ("Museum returns stolen painting", "https://b.example/2"),
                        ("Gaza ceasefire holds on its first day after weeks of talks", "https://b.example/3"),
                    ]))
            default:
                return .init(body: Self.feed([("Breaking news from the region", "https://www.a.example/gaza/")]))
            }
        }
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-stories-\(UUID().uuidString)").path
        let text = """
            [newsdesk]
            state = "state.sqlite"
            allow_private_networks = true

            [[feed]]
            url = "\(server.baseURL)/a"
            name = "Alpha"
            [[feed]]
            url = "\(server.baseURL)/b"
            name = "Bravo"
            tags = ["world"]
            [[feed]]
            url = "\(server.baseURL)/c"
            name = "Charlie"
            weight = 2.0
            """
        let config = try ConfigLoader.parse(text: text, path: folder + "/feeds.conf")
        let clock = TestClock()
        func cycle() throws -> StoryUpdate {
            let store = try StateStore(path: config.settings.state)  // a fresh process each time
            _ = try FeedPoller(
                config: config, store: store, logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() }, clock: { clock.now }
            )
            .poll(all: true)
            return try StoryDesk(config: config, store: store).update()
        }

        let first = try cycle()
        #expect(first.assigned == 4 && first.started == 2)
        let store = try StateStore(path: config.settings.state)
        let ranking = try StoryDesk(config: config, store: store).ranking(now: clock.now)
        #expect(ranking.count == 2)
        let gaza = try #require(ranking.first { $0.story.sources.count == 3 })
        // The representative is the weightiest source; each source keeps its own article link.
        #expect(gaza.story.title == "Breaking news from the region" && gaza.story.sources.map(\.name) == ["Charlie", "Alpha", "Bravo"])
        #expect(
            gaza.story.sources.map(\.link) == [
                "https://www.a.example/gaza/", "https://a.example/gaza?utm_source=rss", "https://b.example/1",
            ])
        #expect(gaza.score.total > ranking.first { $0.story.sources.count == 1 }!.score.total)

        round.increment()
        clock.advance(600)
        let second = try cycle()  // Alpha corrects its title; Bravo adds a follow-up
        #expect(second.assigned == 1 && second.started == 0)
        let items = try store.items(feedURL: "\(server.baseURL)/a")
        #expect(items.count == 1 && items[0].title == "Ceasefire announced in Gaza after six weeks of talks")
        let after = try StoryDesk(config: config, store: store).ranking(now: clock.now)
        let grown = try #require(after.first { $0.story.id == gaza.story.id })
        #expect(grown.story.sources.count == 3)
        #expect(try store.storiesWithCoverage(from: .distantPast).count == 2)
        #expect(try store.unassignedItems().isEmpty)
    }
}
