import Foundation
import Logging
import TestSupport
import Testing

@testable import NewsdeskCore

/// Poll, store and cluster end to end: real libcurl, a local server, a real SQLite file.
@Suite struct StoryDeskTests {
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

    /// Two feeds' items stored straight into `store` (no network), first seen at `now`.
    static func store(_ titles: [String], feed: Int, in store: StateStore, config: Config, now: Date) throws {
        let record = try #require(try store.syncFeeds(config.feeds).first { $0.url == config.feeds[feed].url })
        var text = ""
        for title in titles {
            text += "<item><title>\(title)</title><link>https://f\(feed).example/\(ContentHash.hex(title.utf8))</link></item>"
        }
        _ = try store.record(record, items: try parse(rss(text)).items, now: now)
    }

    static func memoryConfig(_ folder: String) throws -> Config {
        try ConfigLoader.parse(
            text:
                "[newsdesk]\nstate = \"state.sqlite\"\n[[feed]]\nurl = \"https://f0.example/rss\"\n[[feed]]\nurl = \"https://f1.example/rss\"\n",
            path: folder + "/feeds.conf")
    }

    static let rounds: [[String]] = [
        ["Volcano erupts on the Reykjanes peninsula in Iceland", "Central bank raises interest rates by half a point"],
        ["Iceland volcano eruption forces evacuation of Grindavik", "Museum returns stolen Vermeer painting to Dublin"],
        ["Interest rates rise again as the central bank fights inflation", "Dublin gallery gets its stolen Vermeer back"],
        ["Lava from the Reykjanes volcano reaches Grindavik", "Storm Ciaran batters the French Atlantic coast"],
        ["Storm Ciaran leaves a million French homes without power", "Champions League final moves to Wembley"],
    ]

    @Test func aKeptClustererGivesTheStoriesARebuiltOneGives() throws {
        var stories: [[String: String]] = []
        for keep in [false, true] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-memory-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let config = try Self.memoryConfig(folder)
            let store = try StateStore(path: config.settings.state)
            let memory = keep ? StoryMemory() : nil
            var now = Date(timeIntervalSince1970: 1_790_000_000)
            for (round, titles) in Self.rounds.enumerated() {
                try Self.store(titles, feed: round % 2, in: store, config: config, now: now)
                try StoryDesk(config: config, store: store).update(memory: memory)
                now += 600
            }
            let items = try store.assignedItems(since: .distantPast)
            stories.append(Dictionary(uniqueKeysWithValues: items.map { ($0.title ?? "", $0.storyID ?? "") }))
        }
        #expect(stories[0].count == 10)
        #expect(stories[0] == stories[1])
        #expect(Set(stories[0].values).count < 10)  // some stories gathered several items
    }

    @Test func aKeptClustererIsRebuiltAfterAnotherProcessWrote() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-memory-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = try Self.memoryConfig(folder)
        let daemon = try StateStore(path: config.settings.state)
        let memory = StoryMemory()
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        try Self.store(["Volcano erupts on the Reykjanes peninsula in Iceland"], feed: 0, in: daemon, config: config, now: now)
        try StoryDesk(config: config, store: daemon).update(memory: memory)
        // Another process (another connection) stores and clusters an item of its own.
        let other = try StateStore(path: config.settings.state)
        try Self.store(["Storm Ciaran batters the French Atlantic coast"], feed: 1, in: other, config: config, now: now + 60)
        try StoryDesk(config: config, store: other).update()
        let storm = try #require(try other.assignedItems(since: .distantPast).first { $0.title?.hasPrefix("Storm") == true })
        // The daemon's next item on the same storm must join that story, which its kept
        // clusterer never saw.
        try Self.store(["Storm Ciaran leaves the French Atlantic coast without power"], feed: 0, in: daemon, config: config, now: now + 120)
        let update = try StoryDesk(config: config, store: daemon).update(memory: memory)
        #expect(update.assigned == 1 && update.started == 0)
        let followUp = try #require(try daemon.assignedItems(since: .distantPast).first { $0.title?.contains("without power") == true })
        #expect(followUp.storyID == storm.storyID)
    }

    /// A ranking reads: another connection sees no commit from computing one (SQLite's
    /// `data_version` changes for every commit of another connection).
    @Test func computingARankingWritesNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-reads-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = try Self.memoryConfig(folder)
        let store = try StateStore(path: config.settings.state)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        try Self.store(["Volcano erupts on the Reykjanes peninsula in Iceland"], feed: 0, in: store, config: config, now: now)
        try Self.store(["Reykjanes volcano erupts again in Iceland"], feed: 1, in: store, config: config, now: now + 60)
        try StoryDesk(config: config, store: store).update()
        let watcher = try StateStore(path: config.settings.state)
        let before = try watcher.dataVersion()
        let ranking = try StoryDesk(config: config, store: store).ranking(now: now + 120)
        #expect(ranking.count == 1 && ranking[0].score.total > 0)
        _ = try StoryDesk(config: config, store: store).ranking(from: now - 3_600, to: now + 120)
        #expect(try watcher.dataVersion() == before)
        try Self.store(["Iceland volcano: lava reaches the sea"], feed: 0, in: store, config: config, now: now + 180)
        #expect(try watcher.dataVersion() != before, "a write is seen")
    }

    @Test func aKeptClustererIsRebuiltOncePerClusterWindow() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-memory-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = try Self.memoryConfig(folder)  // cluster_window: the default 48 h
        let store = try StateStore(path: config.settings.state)
        let memory = StoryMemory()
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        for (round, hours) in [0.0, 1, 47, 49, 50].enumerated() {
            let now = start + hours * 3_600
            try Self.store(Self.rounds[round], feed: round % 2, in: store, config: config, now: now)
            try StoryDesk(config: config, store: store).update(memory: memory, now: now)
        }
        // Built at 0 h, kept at 1 h and 47 h, rebuilt at 49 h (over 48 h old), kept at 50 h.
        #expect(memory.builds == 2)
    }

    @Test func aKeptClustererBuiltAheadOfTheClockIsRebuilt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-memory-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = try Self.memoryConfig(folder)
        let store = try StateStore(path: config.settings.state)
        let memory = StoryMemory()
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        // Built five years ahead (a wrong clock), then the clock is right again.
        for (round, now) in [start + 5 * 365 * 86_400, start, start + 3_600].enumerated() {
            try Self.store(Self.rounds[round], feed: round % 2, in: store, config: config, now: now)
            try StoryDesk(config: config, store: store).update(memory: memory, now: now)
        }
        // Built ahead, rebuilt when the clock came back, kept an hour later.
        #expect(memory.builds == 2)
    }
}
