import Foundation
import TestSupport
import Testing

/// The real binary with an `[embeddings]` endpoint that fails: the cycle goes on lexically and
/// says why, `status` shows it, and the API key is never printed.
@Suite struct EmbeddingCommandTests {
    static let key = "sk-e2e-SECRET-4242"

    @Test func anEndpointAnswering500LeavesTheCycleLexicalAndTheKeyUnprinted() throws {
        // The server's message echoes the key it was sent, as some do.
        let endpoint = try FakeEmbeddingServer(
            answer: .status(500, #"{"error":{"message":"model fake-64 not loaded (key sk-e2e-SECRET-4242)"}}"#))
        defer { endpoint.stop() }
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(TinyFeed.rss(["Harbour fire in Port Merrow", "Regatta draws record entries"], host: "a.example").utf8)
            .write(to: URL(fileURLWithPath: folder + "/a.rss"))
        try Data(TinyFeed.rss(["Port Merrow harbour fire: crews fight blaze"], host: "b.example").utf8)
            .write(to: URL(fileURLWithPath: folder + "/b.rss"))
        let config = """
            [newsdesk]
            state = "state.sqlite"
            output = "public"

            [embeddings]
            url = "\(endpoint.url)"
            model = "fake-64"
            timeout = "5s"
            api_key_env = "ND_E2E_EMBED_KEY"

            [[feed]]
            url = "file:a.rss"
            [[feed]]
            url = "file:b.rss"
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        let environment = ["ND_E2E_EMBED_KEY": Self.key]

        let once = try BinaryRunner.run(["once", "--all", "--config", folder + "/feeds.conf"], environment: environment)
        #expect(once.status == 0, "\(once.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder + "/public/ranked.atom"))
        let ranked = try String(contentsOfFile: folder + "/public/ranked.atom", encoding: .utf8)
        #expect(ranked.contains("Harbour fire in Port Merrow") && ranked.contains("Regatta draws record entries"))
        #expect(once.stdout.contains("stories: 3 items placed"))
        let printed = once.stdout + once.stderr
        #expect(printed.contains("embeddings: 0 items embedded; unavailable: \(endpoint.url): HTTP 500: model fake-64 not loaded"))
        #expect(once.stderr.contains("embeddings unavailable") && once.stderr.contains("HTTP 500"))
        // The key was sent, and never printed.
        #expect(endpoint.received.first?.authorization == "Bearer \(Self.key)")
        #expect(!printed.contains(Self.key))

        let status = try BinaryRunner.run(["status", "--config", folder + "/feeds.conf"], environment: environment)
        #expect(status.status == 0, "\(status.stderr)")
        let line = try #require(status.stdout.split(separator: "\n").first { $0.hasPrefix("embeddings: ") })
        #expect(line.hasPrefix("embeddings: unavailable since 20"))
        #expect(line.contains("(\(endpoint.url): HTTP 500: model fake-64 not loaded"))
        #expect(line.contains("3 items of the window waiting for a vector"))
        #expect(!(status.stdout + status.stderr).contains(Self.key))
    }
}
