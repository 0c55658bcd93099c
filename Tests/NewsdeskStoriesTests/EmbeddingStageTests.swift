import FeedTestSupport
import Foundation
import TestSupport
import Testing

@testable import NewsdeskBase
@testable import NewsdeskConfig
@testable import NewsdeskStore
@testable import NewsdeskStories

/// The story stage with embeddings: a real SQLite file, ``Embedder`` against a scripted endpoint
/// of fake vectors, ``StoryDesk`` placing and refolding items.
@Suite struct EmbeddingStageTests {
    /// A volcano story told twice without a word in common (the fake vectors make them one).
    static let volcano = "Volcano erupts near Grindavik"
    static let paraphrase = "Lava spews beside village"
    static let bank = "Central bank raises interest rates"
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    /// A state folder with two feeds and an `[embeddings]` table for `url`.
    struct Stage {
        let folder: String
        var config: Config
        let store: StateStore

        init(folder: String, config: Config, store: StateStore) {
            (self.folder, self.config, self.store) = (folder, config, store)
        }

        init(url: String, model: String = "fake-64", batch: Int = 32, newsdesk: String = "") throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-embed-\(UUID().uuidString)").path
            config = try Self.config(folder, url: url, model: model, batch: batch, newsdesk: newsdesk)
            store = try StateStore(path: config.settings.state)
        }

        static func config(_ folder: String, url: String, model: String, batch: Int = 32, newsdesk: String = "") throws -> Config {
            try ConfigLoader.parse(
                text: """
                    [newsdesk]
                    state = "state.sqlite"
                    \(newsdesk)
                    [embeddings]
                    url = "\(url)"
                    model = "\(model)"
                    batch = \(batch)
                    [[feed]]
                    url = "https://f0.example/rss"
                    [[feed]]
                    url = "https://f1.example/rss"
                    """,
                path: folder + "/feeds.conf")
        }

        /// Stores one item of feed `feed` titled `title`, first seen at `now`.
        func add(_ title: String, feed: Int, at now: Date) throws {
            let record = try #require(try store.syncFeeds(config.feeds).first { $0.url == config.feeds[feed].url })
            let xml = "<item><title>\(title)</title><link>https://f\(feed).example/\(ContentHash.hex(title.utf8))</link></item>"
            _ = try store.record(record, items: try parse(rss(xml)).items, now: now)
        }

        func embed(_ config: Config? = nil, since: Date = .distantPast, now: Date = start) throws -> EmbedReport {
            let settings = try #require((config ?? self.config).embeddings)
            return try Embedder(settings: settings).embedPending(store: store, since: since, now: { now })
        }

        func update(_ config: Config? = nil) throws -> StoryUpdate {
            try StoryDesk(config: config ?? self.config, store: store).update(now: start + 3_600)
        }

        /// Each stored item's story, by title.
        func stories() throws -> [String: String] {
            Dictionary(uniqueKeysWithValues: try store.assignedItems(since: .distantPast).map { ($0.title ?? "", $0.storyID ?? "") })
        }

        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    static func closedPortURL() throws -> String {
        let listener = try LoopbackListener()
        let port = listener.port
        _ = consume listener  // closed: nothing listens on the port now
        return "http://127.0.0.1:\(port)/v1/embeddings"
    }

    @Test func anAbsentEndpointLosesNothingAndItsVectorsRefoldTheStoriesLater() throws {
        let down = try Self.closedPortURL()
        let stage = try Stage(url: down)
        defer { stage.remove() }
        try stage.add(Self.volcano, feed: 0, at: Self.start)
        try stage.add(Self.bank, feed: 0, at: Self.start + 60)
        try stage.add(Self.paraphrase, feed: 1, at: Self.start + 120)

        // Down: the failure is recorded with its reason, and every item is placed lexically.
        let failed = try stage.embed(now: Self.start + 180)
        #expect(failed.embedded == 0)
        let reason = try #require(failed.error)
        #expect(reason.hasPrefix(down + ": "))
        let status = try #require(try stage.store.embeddingStatus(since: .distantPast))
        #expect(!status.available && status.error == reason && status.model == "fake-64" && status.pending == 3)
        #expect(status.since == Self.start + 180)
        _ = try stage.embed(now: Self.start + 240)  // still down: `since` stays, `checked` moves
        let again = try #require(try stage.store.embeddingStatus(since: .distantPast))
        #expect(again.since == Self.start + 180 && again.checked == Self.start + 240)
        let lexical = try stage.update()
        #expect(lexical.assigned == 3 && lexical.started == 3 && lexical.refolded == 0)
        #expect(try stage.store.unassignedItems().isEmpty)
        let before = try stage.stories()
        #expect(Set(before.values).count == 3)  // the paraphrases share no word: apart
        let older = try #require(before[Self.volcano])

        // Back (a working endpoint under the same model): every item gets its vector ...
        let endpoint = try FakeEmbeddingServer()
        defer { endpoint.stop() }
        let up = try Stage.config(stage.folder, url: endpoint.url, model: "fake-64")
        let report = try stage.embed(up, now: Self.start + 300)
        #expect(report == EmbedReport(embedded: 3, error: nil))
        let available = try #require(try stage.store.embeddingStatus(since: .distantPast))
        #expect(available.available && available.error == nil && available.pending == 0 && available.since == Self.start + 300)
        #expect(try stage.store.embeddings(of: try stage.store.assignedItems(since: .distantPast).map(\.id), model: "fake-64").count == 3)

        // ... and the next update folds them in: the paraphrases merge into the older story.
        let refold = try stage.update(up)
        #expect(refold.refolded == 3 && refold.merged == 1 && refold.assigned == 0)
        let after = try stage.stories()
        #expect(after[Self.volcano] == older && after[Self.paraphrase] == older)
        #expect(after[Self.bank] == before[Self.bank] && after[Self.bank] != older)
        #expect(try stage.update(up).refolded == 0)  // folded once
    }

    @Test func theBacklogIsWorkedNewestFirstAcrossBatches() throws {
        let endpoint = try FakeEmbeddingServer()
        defer { endpoint.stop() }
        let stage = try Stage(url: endpoint.url, batch: 2)
        defer { stage.remove() }
        let titles = (0..<5).map { "Story number \($0) about subject \($0 * 7)" }
        for (index, title) in titles.enumerated() { try stage.add(title, feed: index % 2, at: Self.start + Double(index) * 60) }
        let report = try stage.embed()
        #expect(report == EmbedReport(embedded: 5, error: nil))
        #expect(endpoint.received.map(\.input.count) == [2, 2, 1])
        #expect(endpoint.texts == titles.reversed())
    }

    @Test func storedVectorsAreReusedAfterARestart() throws {
        let endpoint = try FakeEmbeddingServer()
        defer { endpoint.stop() }
        let stage = try Stage(url: endpoint.url)
        defer { stage.remove() }
        try stage.add(Self.volcano, feed: 0, at: Self.start)
        try stage.add(Self.paraphrase, feed: 1, at: Self.start + 60)
        #expect(try stage.embed().embedded == 2)
        // Embedded before they were placed: folded at placement, by meaning, nothing to refold.
        let placed = try stage.update()
        #expect(placed.assigned == 2 && placed.started == 1 && placed.refolded == 0)
        #expect(endpoint.received.count == 1)

        // A new process on the same file.
        let reopened = try StateStore(path: stage.config.settings.state)
        let settings = try #require(stage.config.embeddings)
        let again = try Embedder(settings: settings).embedPending(store: reopened, since: .distantPast, now: { Self.start })
        #expect(again == EmbedReport(embedded: 0, error: nil))
        #expect(try StoryDesk(config: stage.config, store: reopened).update(now: Self.start + 3_600) == StoryUpdate())
        #expect(endpoint.received.count == 1)
        #expect(try reopened.embeddingDimension(model: "fake-64") == 64)

        // Only a new item is sent, and it joins the story by meaning.
        let restarted = Stage(folder: stage.folder, config: stage.config, store: reopened)
        try restarted.add("Magma spews by Grindavik", feed: 0, at: Self.start + 120)
        #expect(try restarted.embed().embedded == 1)
        #expect(endpoint.received.count == 2 && endpoint.received.last?.input == ["Magma spews by Grindavik"])
        let joined = try restarted.update()
        #expect(joined.assigned == 1 && joined.started == 0)
    }

    @Test func aNewModelReembedsTheClusterWindowOnly() throws {
        let endpoint = try FakeEmbeddingServer()
        defer { endpoint.stop() }
        let stage = try Stage(url: endpoint.url, model: "fake-a", newsdesk: "cluster_window = \"2h\"")
        defer { stage.remove() }
        let now = Self.start + 10 * 3_600
        try stage.add("Old story from this morning", feed: 0, at: now - 5 * 3_600)
        try stage.add(Self.volcano, feed: 0, at: now - 3_000)
        try stage.add(Self.bank, feed: 1, at: now - 600)
        #expect(try stage.embed().embedded == 3)
        #expect(try stage.update().assigned == 3)

        let changed = try Stage.config(stage.folder, url: endpoint.url, model: "fake-b", newsdesk: "cluster_window = \"2h\"")
        #expect(try stage.store.dropEmbeddings(otherThan: "fake-b") == 3)
        #expect(try stage.store.embeddingDimension(model: "fake-a") == nil)
        let window = changed.settings.clusterWindow.timeInterval
        let report = try stage.embed(changed, since: now - window, now: now)
        #expect(report == EmbedReport(embedded: 2, error: nil))
        let calls = endpoint.received.dropFirst()
        #expect(calls.map(\.model) == ["fake-b"])
        #expect(calls.flatMap(\.input) == [Self.bank, Self.volcano])
        #expect(try stage.store.embeddingBacklog(model: "fake-b", since: now - window) == 0)
        #expect(try stage.store.embeddingBacklog(model: "fake-b", since: .distantPast) == 1)  // the old one stays without
    }

    @Test func aGarbageAnsweringEndpointNeverStopsTheUpdate() throws {
        let endpoint = try FakeEmbeddingServer(answer: .body("<!doctype html><title>502 Bad Gateway</title>"))
        defer { endpoint.stop() }
        let stage = try Stage(url: endpoint.url)
        defer { stage.remove() }
        for (index, title) in [Self.volcano, Self.bank, Self.paraphrase].enumerated() {
            try stage.add(title, feed: index % 2, at: Self.start + Double(index) * 60)
        }
        let report = try stage.embed()
        #expect(report.embedded == 0 && report.error?.contains("not an embeddings list") == true)
        #expect(try stage.store.embeddingStatus(since: .distantPast)?.available == false)
        let update = try stage.update()
        #expect(update.assigned == 3 && update.refolded == 0)
        #expect(try stage.store.unassignedItems().isEmpty)
        #expect(try stage.store.embeddingBacklog(model: "fake-64", since: .distantPast) == 3)
    }
}
