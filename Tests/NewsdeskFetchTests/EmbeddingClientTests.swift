import Foundation
import TestSupport
import Testing

@testable import NewsdeskConfig
@testable import NewsdeskFetch

/// The embeddings client against a scripted loopback endpoint: real libcurl, fake vectors.
@Suite("embeddings client against a scripted endpoint")
struct EmbeddingClientTests {
    static let texts = ["Volcano erupts near Grindavik", "Central bank raises rates", "Lava spews beside village"]

    static func client(_ url: String, _ change: (inout EmbeddingSettings) -> Void = { _ in }, environment: [String: String] = [:])
        -> EmbeddingClient
    {
        var settings = EmbeddingSettings(url: url, model: "fake-64")
        change(&settings)
        return EmbeddingClient(settings: settings, environment: environment)
    }

    /// The error `embed` throws, or nil when it returns vectors.
    static func failure(_ client: EmbeddingClient, _ texts: [String] = texts, dimension: Int? = nil) -> EmbeddingError? {
        do {
            _ = try client.embed(texts, dimension: dimension)
            return nil
        } catch {
            return error
        }
    }

    @Test func aGoodAnswerIsOrderedByIndexAndNormalised() throws {
        let endpoint = try FakeEmbeddingServer()  // answers in reverse order, vectors of length 3
        defer { endpoint.stop() }
        let vectors = try Self.client(endpoint.url, { $0.prefix = "query: " }).embed(Self.texts)
        #expect(vectors.count == 3)
        for (vector, text) in zip(vectors, Self.texts) {
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
            #expect(FakeEmbeddingServer.cosine(vector, FakeEmbeddingServer.vector(text)) > 0.9999)
        }
        let call = try #require(endpoint.received.first)
        #expect(endpoint.received.count == 1)
        #expect(call.model == "fake-64")
        #expect(call.input == Self.texts.map { "query: " + $0 })
        #expect(call.authorization == nil)
        // Paraphrases are close, other stories far: what the story tests rely on.
        #expect(FakeEmbeddingServer.cosine(vectors[0], vectors[2]) > 0.95)
        #expect(FakeEmbeddingServer.cosine(vectors[0], vectors[1]) < 0.5)
    }

    @Test func noTextsMeansNoRequest() throws {
        let endpoint = try FakeEmbeddingServer()
        defer { endpoint.stop() }
        #expect(try Self.client(endpoint.url).embed([]).isEmpty)
        #expect(endpoint.received.isEmpty)
    }

    @Test func theKeyFromAFileOrTheEnvironmentIsSentAsBearer() throws {
        let endpoint = try FakeEmbeddingServer()
        defer { endpoint.stop() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-key-\(UUID().uuidString)").path
        try Data("sk-file-KEY\n".utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        _ = try Self.client(endpoint.url, { $0.apiKeyFile = file }).embed(["one"])
        _ = try Self.client(endpoint.url, { $0.apiKeyEnv = "ND_TEST_KEY" }, environment: ["ND_TEST_KEY": " sk-env-KEY "]).embed(["two"])
        #expect(endpoint.received.map(\.authorization) == ["Bearer sk-file-KEY", "Bearer sk-env-KEY"])
    }

    @Test func theKeyNeverAppearsInAnError() throws {
        // A server that echoes the credentials it refused, as some do.
        let endpoint = try FakeEmbeddingServer(
            answer: .status(401, #"{"error":{"message":"invalid api key sk-secret-KEY (Bearer sk-secret-KEY)"}}"#))
        defer { endpoint.stop() }
        let keyed = Self.client(endpoint.url, { $0.apiKeyEnv = "ND_TEST_KEY" }, environment: ["ND_TEST_KEY": "sk-secret-KEY"])
        let refused = try #require(Self.failure(keyed))
        #expect(refused.message.contains("HTTP 401") && refused.message.contains(endpoint.url))
        #expect(!refused.message.contains("sk-secret-KEY") && !refused.description.contains("sk-secret-KEY"))
        endpoint.answer = .body("not json sk-secret-KEY")
        let garbled = try #require(Self.failure(keyed))
        #expect(!garbled.message.contains("sk-secret-KEY"))
        // A missing variable or file is named, never a value.
        let unset = try #require(Self.failure(Self.client(endpoint.url, { $0.apiKeyEnv = "ND_TEST_KEY" })))
        #expect(unset.message.contains("ND_TEST_KEY") && unset.message.contains("not set"))
        let missing = try #require(Self.failure(Self.client(endpoint.url, { $0.apiKeyFile = "/nonexistent/newsdesk.key" })))
        #expect(missing.message.contains("/nonexistent/newsdesk.key"))
    }

    @Test func anHTTPErrorCarriesTheServersMessage() throws {
        let endpoint = try FakeEmbeddingServer(answer: .status(500, #"{"error":{"message":"model fake-64 is not loaded"}}"#))
        defer { endpoint.stop() }
        let error = try #require(Self.failure(Self.client(endpoint.url)))
        #expect(error.message == "\(endpoint.url): HTTP 500: model fake-64 is not loaded")
    }

    @Test func aWrongDimensionIsRefused() throws {
        let endpoint = try FakeEmbeddingServer()
        defer { endpoint.stop() }
        let client = Self.client(endpoint.url)
        // Against the dimension already stored ...
        let stored = try #require(Self.failure(client, dimension: 32))
        #expect(stored.message.hasPrefix(endpoint.url + ": ") && stored.message.contains("64 dimensions, expected 32"))
        // ... and within one answer.
        endpoint.answer = .entries([(0, [1, 0, 0]), (1, [0, 1]), (2, [0, 0, 1])])
        let mixed = try #require(Self.failure(client))
        #expect(mixed.message.hasPrefix(endpoint.url + ": ") && mixed.message.contains("2 dimensions, expected 3"))
        endpoint.answer = .entries([(0, []), (1, []), (2, [])])
        let empty = try #require(Self.failure(client))
        #expect(empty.message.hasPrefix(endpoint.url + ": "))
    }

    @Test func nonFiniteAndZeroVectorsAreRefused() throws {
        let endpoint = try FakeEmbeddingServer(
            answer: .body(#"{"data":[{"index":0,"embedding":[0.5,NaN]},{"index":1,"embedding":[1,0]},{"index":2,"embedding":[0,1]}]}"#))
        defer { endpoint.stop() }
        let client = Self.client(endpoint.url)
        let nan = try #require(Self.failure(client))
        #expect(nan.message.hasPrefix(endpoint.url + ": "))
        endpoint.answer = .entries([(0, [1, 0]), (1, [0, 0]), (2, [0, 1])])
        let zero = try #require(Self.failure(client))
        #expect(zero.message == "\(endpoint.url): vector 1 is zero")
    }

    @Test func aShortListIsRefused() throws {
        let endpoint = try FakeEmbeddingServer(answer: .entries([(0, [1, 0]), (1, [0, 1])]))
        defer { endpoint.stop() }
        let error = try #require(Self.failure(Self.client(endpoint.url)))
        #expect(error.message == "\(endpoint.url): 2 vectors for 3 texts")
    }

    @Test func aRepeatedOrOutOfRangeIndexIsRefused() throws {
        let endpoint = try FakeEmbeddingServer(answer: .entries([(0, [1, 0]), (0, [0, 1]), (2, [1, 1])]))
        defer { endpoint.stop() }
        let client = Self.client(endpoint.url)
        #expect(Self.failure(client)?.message == "\(endpoint.url): index 0 is out of range or repeated")
        endpoint.answer = .entries([(0, [1, 0]), (1, [0, 1]), (3, [1, 1])])
        #expect(Self.failure(client)?.message == "\(endpoint.url): index 3 is out of range or repeated")
        endpoint.answer = .entries([(0, [1, 0]), (-1, [0, 1]), (2, [1, 1])])
        #expect(Self.failure(client)?.message == "\(endpoint.url): index -1 is out of range or repeated")
    }

    @Test func aGarbageBodyIsRefused() throws {
        let endpoint = try FakeEmbeddingServer(answer: .body("<html><body>Bad gateway</body></html>"))
        defer { endpoint.stop() }
        let client = Self.client(endpoint.url)
        let html = try #require(Self.failure(client))
        #expect(html.message.hasPrefix("\(endpoint.url): the answer is not an embeddings list"))
        endpoint.answer = .body(#"{"object":"list","results":[]}"#)
        let shape = try #require(Self.failure(client))
        #expect(shape.message.hasPrefix("\(endpoint.url): the answer is not an embeddings list") && shape.message.contains("data"))
    }

    @Test func aSlowEndpointTimesOut() throws {
        let endpoint = try FakeEmbeddingServer(answer: .delayed(3))
        defer { endpoint.stop() }
        let started = Date()
        let error = try #require(Self.failure(Self.client(endpoint.url, { $0.timeout = .seconds(1) })))
        #expect(Date().timeIntervalSince(started) < 2.5)
        #expect(error.message.hasPrefix(endpoint.url + ": ") && error.message.lowercased().contains("timed out"))
    }

    @Test func aRefusedConnectionNamesTheURL() throws {
        let listener = try LoopbackListener()
        let port = listener.port
        _ = consume listener  // closed: nothing listens on the port now
        let url = "http://127.0.0.1:\(port)/v1/embeddings"
        let error = try #require(Self.failure(Self.client(url)))
        #expect(error.message.hasPrefix(url + ": ") && error.message.count > url.count + 2)
    }
}
