import Foundation

/// A scripted OpenAI-compatible embeddings endpoint on 127.0.0.1: it answers
/// `POST {"model", "input"}` with deterministic fake vectors (``vector(_:)``), or with whatever
/// ``answer`` says, and keeps every request it was sent. No model is involved.
///
/// Its state is guarded by a lock, hence `@unchecked Sendable`.
public final class FakeEmbeddingServer: @unchecked Sendable {
    /// One embeddings request as received.
    public struct Call: Sendable {
        public var model: String
        public var input: [String]
        /// The `Authorization` header, if one was sent.
        public var authorization: String?
    }

    /// How the server answers a request whose texts are `input`.
    public enum Answer: Sendable {
        /// The fake vectors, in reverse order (each with its `index`) and scaled by 3, so that a
        /// client must sort and normalise them.
        case vectors
        /// This status and body.
        case status(Int, String)
        /// Status 200 with this body.
        case body(String)
        /// Status 200 with the entries `(index, vector)` given, whatever was asked.
        case entries([(Int, [Double])])
        /// The fake vectors after this many seconds.
        case delayed(Double)
    }

    public let server: LocalHTTPServer
    private let lock = NSLock()
    private var calls: [Call] = []
    private var scripted: Answer = .vectors

    public init(answer: Answer = .vectors) throws {
        scripted = answer
        let box = Weak()
        server = try LocalHTTPServer { request in box.value?.respond(to: request) ?? .init(status: 503, text: "gone") }
        box.value = self
    }

    /// The endpoint's URL.
    public var url: String { server.baseURL + "/v1/embeddings" }

    /// What the server answers from now on.
    public var answer: Answer {
        get { lock.withLock { scripted } }
        set { lock.withLock { scripted = newValue } }
    }

    /// The requests received so far, in order.
    public var received: [Call] { lock.withLock { calls } }

    /// Every text received so far, in order.
    public var texts: [String] { received.flatMap(\.input) }

    public func stop() { server.stop() }

    private func respond(to request: LocalHTTPServer.Request) -> LocalHTTPServer.Response {
        let json = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any]
        let input = json?["input"] as? [String] ?? []
        let answer = lock.withLock {
            calls.append(Call(model: json?["model"] as? String ?? "", input: input, authorization: request.headers["authorization"]))
            return scripted
        }
        switch answer {
        case .vectors:
            return Self.json(Array(input.enumerated().map { ($0.offset, Self.vector($0.element).map { Double($0) * 3 }) }.reversed()))
        case .status(let status, let body):
            return .init(status: status, headers: ["Content-Type": "application/json"], text: body)
        case .body(let body):
            return .init(headers: ["Content-Type": "application/json"], text: body)
        case .entries(let entries):
            return Self.json(entries)
        case .delayed(let seconds):
            var response = Self.json(input.enumerated().map { ($0.offset, Self.vector($0.element).map(Double.init)) })
            response.delay = seconds
            return response
        }
    }

    private static func json(_ entries: [(Int, [Double])]) -> LocalHTTPServer.Response {
        let data = entries.map { ["object": "embedding", "index": $0.0, "embedding": $0.1] as [String: Any] }
        let body = (try? JSONSerialization.data(withJSONObject: ["object": "list", "data": data])) ?? Data()
        return .init(headers: ["Content-Type": "application/json"], body: Array(body))
    }

    // MARK: Fake vectors

    /// Words of one meaning: each is counted as the first of its group, so paraphrases made of
    /// these words get the same vector though they share no word.
    static let synonyms: [[String]] = [
        ["volcano", "lava", "magma"],
        ["erupts", "eruption", "spews"],
        ["iceland", "icelandic", "reykjanes"],
        ["town", "village", "grindavik"],
        ["evacuated", "emptied", "flee"],
        ["near", "beside", "by"],
        ["bank", "lender"],
        ["raises", "lifts", "hikes"],
        ["rates", "borrowing"],
    ]
    static let canonical: [String: String] = {
        var map: [String: String] = [:]
        for group in synonyms { for word in group { map[word] = group[0] } }
        return map
    }()
    static let stopwords: Set<String> = ["a", "an", "the", "in", "of", "on", "as", "to", "and", "its", "is", "query"]

    /// A deterministic unit vector of 64 dimensions for `text`: its words (lower-cased,
    /// synonyms folded, stop words dropped) hashed into buckets, counted, normalised. Texts of
    /// one story get close vectors, texts without a word in common nearly orthogonal ones.
    public static func vector(_ text: String, dimension: Int = 64) -> [Float] {
        var vector = [Float](repeating: 0, count: dimension)
        let words = text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
        for word in words where !stopwords.contains(word) {
            let folded = canonical[word] ?? word
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a: the same on every run
            for byte in folded.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            vector[Int(hash % UInt64(dimension))] += 1
        }
        if vector.allSatisfy({ $0 == 0 }) { vector[0] = 1 }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return vector.map { $0 / norm }
    }

    /// The cosine of two unit vectors.
    public static func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    private final class Weak: @unchecked Sendable {
        weak var value: FakeEmbeddingServer?
    }
}
