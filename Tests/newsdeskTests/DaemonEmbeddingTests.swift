import Foundation
import TestSupport
import Testing

/// `newsdesk run` with an `[embeddings]` endpoint that is down, comes back, or is slow: the
/// daemon publishes without it, folds by meaning once it answers, and stops promptly whatever
/// the endpoint is doing.
@Suite struct DaemonEmbeddingTests {
    /// Two reports of one eruption that share no word, whose fake vectors are identical (the
    /// synonym table of ``FakeEmbeddingServer``), and an unrelated item.
    static let first = "Icelandic volcano erupts near town"
    static let paraphrase = "Reykjanes lava spews beside village"
    static let unrelated = "Central lender hikes borrowing costs"

    /// A folder with feeds a.rss (the first report and the unrelated item) and b.rss (the
    /// paraphrase), and a feeds.conf using `endpoint` with `timeout`. `concurrency = 1` fetches
    /// a.rss first, so its report is the older story.
    static func folder(endpoint: String, timeout: String) throws -> String {
        let folder = try BinaryRunner.temporaryFolder()
        try Data(TinyFeed.rss([first, unrelated], host: "a.example").utf8).write(to: URL(fileURLWithPath: folder + "/a.rss"))
        try Data(TinyFeed.rss([paraphrase], host: "b.example").utf8).write(to: URL(fileURLWithPath: folder + "/b.rss"))
        let config = """
            [newsdesk]
            state = "state.sqlite"
            output = "public"
            concurrency = 1

            [embeddings]
            url = "\(endpoint)"
            model = "fake-64"
            timeout = "\(timeout)"

            [[feed]]
            url = "file:a.rss"
            [[feed]]
            url = "file:b.rss"
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        return folder
    }

    /// `newsdesk stories --json` over everything stored.
    static func stories(_ folder: String) throws -> [[String: Any]] {
        let run = try BinaryRunner.run(["stories", "--json", "--window", "100000h", "--config", folder + "/feeds.conf"])
        #expect(run.status == 0, "\(run.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
    }

    static func sources(_ story: [String: Any]) -> Set<String> {
        Set((story["sources"] as? [[String: Any]] ?? []).compactMap { $0["url"] as? String })
    }

    static func embeddingLine(_ folder: String) throws -> String {
        let status = try BinaryRunner.run(["status", "--config", folder + "/feeds.conf"])
        #expect(status.status == 0, "\(status.stderr)")
        return status.stdout.split(separator: "\n").first { $0.hasPrefix("embeddings: ") }.map(String.init) ?? status.stdout
    }

    static func ranked(_ folder: String) -> String {
        (try? String(contentsOfFile: folder + "/public/ranked.atom", encoding: .utf8)) ?? ""
    }

    @Test func anEndpointDownAtStartIsFoldedInByMeaningWhenItComesBack() throws {
        let endpoint = try FakeEmbeddingServer(answer: .status(500, #"{"error":{"message":"model fake-64 not loaded"}}"#))
        defer { endpoint.stop() }
        let folder = try Self.folder(endpoint: endpoint.url, timeout: "5s")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let started = Date()
        let daemon = try RunningBinary(["run", "--config", folder + "/feeds.conf"])

        // Published lexically, without waiting out the 20 s allowed for vectors: the failure
        // ends the wait.
        let published = daemon.wait(upTo: 25) {
            let atom = Self.ranked(folder)
            return atom.contains(Self.first) && atom.contains(Self.paraphrase) && atom.contains(Self.unrelated)
        }
        try #require(published, "\(daemon.stderr)")
        #expect(Date().timeIntervalSince(started) < 15)
        let reason = "\(endpoint.url): HTTP 500: model fake-64 not loaded"
        #expect(daemon.stderr.contains("embeddings unavailable, folding lexically meanwhile: \(reason)"), "\(daemon.stderr)")
        let down = try Self.embeddingLine(folder)
        #expect(down.hasPrefix("embeddings: unavailable since 20"), "\(down)")
        #expect(down.contains("(\(reason))") && down.contains("3 items of the window waiting for a vector"), "\(down)")

        let before = try Self.stories(folder)
        #expect(before.count == 3, "\(before)")
        let older = try #require(before.first { $0["title"] as? String == Self.first })
        let olderID = try #require(older["id"] as? String)
        #expect(Self.sources(older).count == 1)
        let unrelatedID = try #require(before.first { $0["title"] as? String == Self.unrelated }?["id"] as? String)

        // Back, at the same URL: the worker's retry (15 s, or 30 s should the first poll's poke
        // have failed a second time) embeds the window and the daemon folds it in.
        endpoint.answer = .vectors
        let folded = daemon.wait(upTo: 40) {
            daemon.stderr.contains("embeddings available again") && daemon.stderr.contains("folded by meaning")
        }
        try #require(folded, "\(daemon.stderr)")
        #expect(daemon.stderr.contains("merged=1"), "\(daemon.stderr)")
        // The daemon republished: one entry fewer in the ranking.
        #expect(daemon.wait(upTo: 5) { Self.ranked(folder).components(separatedBy: "<entry").count - 1 == 2 }, "\(Self.ranked(folder))")
        let after = try Self.stories(folder)
        #expect(after.count == 2, "\(after)")
        let merged = try #require(after.first { Self.sources($0).count == 2 }, "\(after)")
        #expect(merged["id"] as? String == olderID)
        let feeds = Self.sources(merged)
        #expect(feeds.contains { $0.hasSuffix("a.rss") } && feeds.contains { $0.hasSuffix("b.rss") }, "\(feeds)")
        let alone = try #require(after.first { $0["id"] as? String == unrelatedID }, "\(after)")
        #expect(Self.sources(alone).count == 1)
        #expect(alone["title"] as? String == Self.unrelated)
        let up = try Self.embeddingLine(folder)
        #expect(up == "embeddings: fake-64 available; 0 items of the window waiting for a vector", "\(up)")

        let stopping = Date()
        daemon.signal(SIGTERM)
        try #require(daemon.wait(upTo: 10) { !daemon.process.isRunning })
        #expect(Date().timeIntervalSince(stopping) < 5)
        #expect(daemon.process.terminationReason == .exit && daemon.process.terminationStatus == 0)
        #expect(daemon.stderr.contains("stopped"))
    }

    /// The vector wait is cut short by SIGTERM, and so is a request in flight.
    @Test func sigtermDuringTheWaitForVectorsStopsPromptly() throws {
        let endpoint = try FakeEmbeddingServer(answer: .delayed(30))
        defer { endpoint.stop() }
        let folder = try Self.folder(endpoint: endpoint.url, timeout: "60s")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let daemon = try RunningBinary(["run", "--config", folder + "/feeds.conf"])
        // Polled, and the request for the new items' vectors is in flight: the cycle waits for it.
        try #require(daemon.wait(upTo: 10) { daemon.stderr.contains("stored items") && !endpoint.received.isEmpty }, "\(daemon.stderr)")
        Thread.sleep(forTimeInterval: 0.5)
        let stopping = Date()
        daemon.signal(SIGTERM)
        try #require(daemon.wait(upTo: 40) { !daemon.process.isRunning })
        #expect(Date().timeIntervalSince(stopping) < 5)
        #expect(daemon.process.terminationReason == .exit && daemon.process.terminationStatus == 0)
        #expect(daemon.stderr.contains("stopped"))
        // Being stopped is not the endpoint failing.
        #expect(!daemon.stderr.contains("embeddings unavailable"), "\(daemon.stderr)")
    }

    /// After the 20 s wait the cycle publishes lexically; a request still in flight does not
    /// hold up SIGTERM.
    @Test func aSlowEndpointNeitherHoldsPublishingNorTheStop() throws {
        let endpoint = try FakeEmbeddingServer(answer: .delayed(30))
        defer { endpoint.stop() }
        let folder = try Self.folder(endpoint: endpoint.url, timeout: "60s")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let started = Date()
        let daemon = try RunningBinary(["run", "--config", folder + "/feeds.conf"])
        let published = daemon.wait(upTo: 27) { Self.ranked(folder).contains(Self.paraphrase) }
        try #require(published, "\(daemon.stderr)")
        let waited = Date().timeIntervalSince(started)
        #expect(waited >= 19 && waited < 26, "published after \(waited) s")
        #expect(endpoint.received.count == 1)
        let stopping = Date()
        daemon.signal(SIGTERM)
        try #require(daemon.wait(upTo: 40) { !daemon.process.isRunning })
        #expect(Date().timeIntervalSince(stopping) < 5)
        #expect(daemon.process.terminationReason == .exit && daemon.process.terminationStatus == 0)
        #expect(!daemon.stderr.contains("embeddings unavailable"), "\(daemon.stderr)")
    }
}
