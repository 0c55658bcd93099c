import Foundation
import NewsdeskConfig
import NewsdeskFetch
import NewsdeskStore

/// What one round of embedding did.
public struct EmbedReport: Sendable, Equatable {
    /// Items given a vector.
    public var embedded = 0
    /// Why the endpoint gave none, when it failed (the items wait for the next round).
    public var error: String?
    /// Whether `shouldStop` ended the round, a request in flight abandoned (not a failure).
    public var stopped = false
}

/// The story stage's use of the embeddings endpoint: what text of an item is embedded, in
/// batches of `batch`, and the store's backlog worked newest first, each vector kept with the
/// model's name. Every failure is recorded (the log and `status` show it) and leaves the items
/// waiting: clustering goes on lexically meanwhile.
public struct Embedder: Sendable {
    public let client: EmbeddingClient
    public var settings: EmbeddingSettings { client.settings }

    public init(client: EmbeddingClient) {
        self.client = client
    }

    public init(settings: EmbeddingSettings) {
        self.init(client: EmbeddingClient(settings: settings))
    }

    /// The text embedded for an item: its title, then the start of its excerpt (whole words,
    /// at most `excerptChars` characters).
    public static func text(title: String, excerpt: String, excerptChars: Int) -> String {
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        var start = excerpt.trimmingCharacters(in: .whitespacesAndNewlines)
        if start.count > excerptChars {
            start = String(start.prefix(excerptChars))
            if let space = start.lastIndex(where: \.isWhitespace), start.distance(from: start.startIndex, to: space) > excerptChars / 2 {
                start = String(start[..<space])
            }
        }
        if title.isEmpty { return start }
        return start.isEmpty ? title : title + "\n" + start
    }

    /// The vectors of `texts`, `batch` at a time; every batch must have the first one's dimension.
    public func vectors(_ texts: [String], dimension: Int? = nil) throws(EmbeddingError) -> [[Float]] {
        var vectors: [[Float]] = []
        var dimension = dimension
        var start = 0
        while start < texts.count {
            let end = min(start + settings.batch, texts.count)
            let batch = try client.embed(Array(texts[start..<end]), dimension: dimension)
            dimension = dimension ?? batch.first?.count
            vectors += batch
            start = end
        }
        return vectors
    }

    /// Embeds the store's items of the window (first seen since `since`) that have no vector of
    /// the model, newest first, one batch at a time until none is left, `deadline` passes or
    /// `shouldStop` says so (asked between batches and about once a second during a request,
    /// which it abandons); each batch is stored as it comes (then `stored` is called), and the
    /// endpoint's state recorded. Being stopped is not recorded as the endpoint failing.
    public func embedPending(
        store: StateStore, since: Date, deadline: Date = .distantFuture, now: () -> Date = { Date() },
        shouldStop: () -> Bool = { false }, stored: () -> Void = {}
    ) throws(StoreError) -> EmbedReport {
        var report = EmbedReport()
        let model = settings.model
        var dimension = try store.embeddingDimension(model: model)
        while now() < deadline, !shouldStop() {
            let inputs = try store.itemsToEmbed(model: model, since: since, limit: settings.batch)
            guard !inputs.isEmpty else { break }
            let texts = inputs.map { Self.text(title: $0.title, excerpt: $0.excerpt, excerptChars: settings.excerptChars) }
            let vectors: [[Float]]
            do {
                vectors = try client.embed(texts, dimension: dimension, shouldStop: shouldStop)
            } catch {
                if error.stopped {
                    report.stopped = true
                    break
                }
                report.error = error.message
                try store.recordEmbeddingStatus(model: model, error: error.message, at: now())
                break
            }
            dimension = dimension ?? vectors.first?.count
            try store.saveEmbeddings(zip(inputs, vectors).map { ($0.itemID, $1) }, model: model)
            try store.recordEmbeddingStatus(model: model, error: nil, at: now())
            report.embedded += vectors.count
            stored()
        }
        return report
    }
}
