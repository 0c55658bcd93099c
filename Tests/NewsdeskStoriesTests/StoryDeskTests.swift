import FeedTestSupport
import Foundation
import Testing

@testable import NewsdeskBase
@testable import NewsdeskConfig
@testable import NewsdeskParse
@testable import NewsdeskStore
@testable import NewsdeskStories

/// Stories folded from stored items in real SQLite files, and the clusterer kept between cycles.
@Suite struct StoryDeskTests {
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
