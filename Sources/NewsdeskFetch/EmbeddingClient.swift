import Foundation
import NewsdeskBase
import NewsdeskConfig

/// Why the embeddings endpoint gave no usable vectors, in words for the log and `status`. It
/// never holds the API key.
public struct EmbeddingError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// Whether the caller's `shouldStop` ended the request: nothing is wrong with the endpoint.
    public var stopped = false
    public var description: String { message }

    public init(_ message: String, stopped: Bool = false) {
        self.message = message
        self.stopped = stopped
    }
}

/// Asks an OpenAI-compatible embeddings endpoint for vectors, through libcurl like the feeds:
/// `POST {"model", "input": [...]}`, answered by `{"data": [{"embedding": [...], "index": i}]}`.
/// Every answer is checked before it is believed: one vector per text, every index once, one
/// dimension for all (and the one expected, once known), finite numbers, no zero vector.
/// Vectors come back scaled to unit length, so a dot product is their cosine.
public struct EmbeddingClient: Sendable {
    public let settings: EmbeddingSettings
    /// Where `api_key_env` is looked up (the process's environment unless a test says otherwise).
    private let environment: [String: String]

    public init(settings: EmbeddingSettings, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.settings = settings
        self.environment = environment
    }

    /// The unit vectors of `texts`, in order; `dimension`, when known, is the one each must have.
    /// `shouldStop` is asked about once a second while the request runs, and abandons it (the
    /// error then says ``EmbeddingError/stopped``).
    public func embed(
        _ texts: [String], dimension: Int? = nil, shouldStop: () -> Bool = { false }
    ) throws(EmbeddingError) -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        let key = try apiKey()
        do {
            return try request(texts, key: key, dimension: dimension, shouldStop: shouldStop)
        } catch {
            // A server may echo the credentials it refused: they never reach the log or `status`.
            guard let key else { throw error }
            throw EmbeddingError(error.message.replacingOccurrences(of: key, with: "[API key]"), stopped: error.stopped)
        }
    }

    private func request(
        _ texts: [String], key: String?, dimension: Int?, shouldStop: () -> Bool
    ) throws(EmbeddingError) -> [[Float]] {
        let request = Request(model: settings.model, input: texts.map { settings.prefix + $0 })
        guard let body = try? JSONEncoder().encode(request) else { throw EmbeddingError("cannot encode the request") }
        var headers = ["Content-Type: application/json", "Accept: application/json"]
        if let key { headers.append("Authorization: Bearer \(key)") }
        var limits = FetchLimits()
        limits.timeout = settings.timeout
        limits.connectTimeout = min(settings.timeout, .seconds(10))
        limits.maxBody = 64 << 20
        limits.maxRedirects = 0
        let response: FetchResponse
        // The endpoint is the operator's own (most often on 127.0.0.1), not a feed's.
        var post = FetchRequest(post: settings.url, body: Array(body), headers: headers)
        post.allowPrivateNetworks = true
        do {
            response = try CurlTransfer.fetch(post, limits: limits, shouldStop: shouldStop)
        } catch {
            throw EmbeddingError("\(settings.url): \(error.message)", stopped: error.stopped)
        }
        guard response.status == 200 else {
            throw EmbeddingError("\(settings.url): HTTP \(response.status)\(Self.serverMessage(response.body).map { ": \($0)" } ?? "")")
        }
        return try vectors(in: response.body, count: texts.count, dimension: dimension)
    }

    /// The checked, normalised vectors of an answer to `count` texts.
    func vectors(in body: [UInt8], count: Int, dimension: Int?) throws(EmbeddingError) -> [[Float]] {
        let answer: Answer
        do {
            answer = try JSONDecoder().decode(Answer.self, from: Data(body))
        } catch {
            throw EmbeddingError("\(settings.url): the answer is not an embeddings list (\(Self.decodingProblem(error)))")
        }
        guard answer.data.count == count else {
            throw EmbeddingError("\(settings.url): \(answer.data.count) vectors for \(count) texts")
        }
        var ordered = [[Float]?](repeating: nil, count: count)
        for (position, entry) in answer.data.enumerated() {
            let index = entry.index ?? position
            guard (0..<count).contains(index), ordered[index] == nil else {
                throw EmbeddingError("\(settings.url): index \(index) is out of range or repeated")
            }
            let wanted = dimension ?? answer.data[0].embedding.count
            guard entry.embedding.count == wanted, wanted > 0 else {
                throw EmbeddingError("\(settings.url): a vector of \(entry.embedding.count) dimensions, expected \(wanted)")
            }
            var norm = 0.0
            for value in entry.embedding { norm += value * value }
            guard norm.isFinite, norm > 0 else {
                throw EmbeddingError("\(settings.url): vector \(index) is \(norm.isFinite ? "zero" : "not finite")")
            }
            let scale = 1 / norm.squareRoot()
            ordered[index] = entry.embedding.map { Float($0 * scale) }
        }
        return ordered.compactMap { $0 }
    }

    /// The key, read at each request (so a rotated key is picked up), trimmed; nil when none is set.
    private func apiKey() throws(EmbeddingError) -> String? {
        if let path = settings.apiKeyFile {
            let data: Data
            do {
                data = try FileReading.contents(of: path)
            } catch {
                throw EmbeddingError("the API key file: \(error.description)")
            }
            let key = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !key.isEmpty, !key.contains(where: \.isNewline) else {
                throw EmbeddingError("the API key file \(path) holds no single key")
            }
            return key
        }
        if let name = settings.apiKeyEnv {
            guard let key = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty else {
                throw EmbeddingError("the environment variable \(name) (api_key_env) is not set")
            }
            return key
        }
        return nil
    }

    /// The server's own words from an error body (`{"error": {"message"}}` or plain text), short.
    static func serverMessage(_ body: [UInt8]) -> String? {
        struct Failure: Decodable {
            struct Detail: Decodable { var message: String? }
            var error: Detail?
        }
        let text =
            (try? JSONDecoder().decode(Failure.self, from: Data(body)))?.error?.message
            ?? String(decoding: body.prefix(300), as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ").filter { character in
            !(character.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false)
        }
        return line.isEmpty ? nil : String(line.prefix(200))
    }

    private static func decodingProblem(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .dataCorrupted(let context)?: return context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription
        case .keyNotFound(let key, _)?: return "no \"\(key.stringValue)\""
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: return "\(error)"
        }
    }

    private struct Request: Encodable {
        var model: String
        var input: [String]
    }

    private struct Answer: Decodable {
        struct Entry: Decodable {
            var embedding: [Double]
            var index: Int?
        }
        var data: [Entry]
    }
}
