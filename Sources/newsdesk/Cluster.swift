import ArgumentParser
import Foundation
import NewsdeskBase
import NewsdeskConfig
import NewsdeskParse
import NewsdeskStories

/// `newsdesk cluster`: the daemon's story clustering over JSON lines, for measuring it.
struct Cluster: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Group JSON-lines items from stdin into stories with the daemon's clustering.",
        discussion: """
            Input: one JSON object per line, {"id", "source", "title", "summary"?, "link"?, "published"?}. \
            Output: one line {"id": "...", "story": "..."} per item, in input order. The time window is measured \
            between the items' own published dates, never the clock; items are taken in the order given. \
            With --embeddings every item is embedded first (title and excerpt start, as the daemon does) and \
            folded by meaning too; if the endpoint fails, the items are folded lexically, as the daemon would.
            """)

    @Option(help: "Items join a story only if their dates are this close (e.g. 48h).")
    var window = "48h"

    @Option(help: "An OpenAI-compatible embeddings endpoint, e.g. http://127.0.0.1:8080/v1/embeddings.")
    var embeddings: String?

    @Option(help: "The model's name, sent to the endpoint.")
    var embeddingsModel = "multilingual-e5-small"

    @Option(help: "A text put before each embedded text (e.g. \"query: \").")
    var embeddingsPrefix = ""

    @Option(help: .hidden)
    var tune: [String] = []

    func run() throws {
        guard let span = ConfigValue.duration(window) else { throw ValidationError("bad duration '\(window)'") }
        var parameters = StoryClusterer.Parameters()
        parameters.window = span.timeInterval
        try Self.apply(tune, to: &parameters)
        var items: [(id: String, item: ClusterItem)] = []
        var lastTime = Date(timeIntervalSince1970: 0)
        var lineNumber = 0
        while let line = readLine(strippingNewline: true) {
            lineNumber += 1
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                Console.error("stdin:\(lineNumber): not a JSON object")
                throw ExitCode.failure
            }
            guard let id = Self.text(object["id"]) else {
                Console.error("stdin:\(lineNumber): the item has no \"id\"")
                throw ExitCode.failure
            }
            if let published = Self.text(object["published"]).flatMap(FeedDate.parse) { lastTime = published }
            let item = ClusterItem(
                source: Self.text(object["source"]) ?? "", title: Self.text(object["title"]) ?? "",
                summary: Self.text(object["summary"]) ?? "",
                canonicalLink: Self.text(object["link"]).map(CanonicalURL.key), time: lastTime)
            items.append((id, item))
        }
        if let embeddings {
            guard let url = URL(string: embeddings), ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
                throw ValidationError("--embeddings must be an http(s) URL, not '\(embeddings)'")
            }
            var settings = EmbeddingSettings(url: embeddings, model: embeddingsModel)
            settings.prefix = embeddingsPrefix
            let embedder = Embedder(settings: settings)
            let texts = items.map {
                Embedder.text(title: $0.item.title, excerpt: $0.item.summary, excerptChars: settings.excerptChars)
            }
            do {
                for (index, vector) in try embedder.vectors(texts).enumerated() { items[index].item.vector = vector }
            } catch {
                Console.error("embeddings unavailable, folding lexically: \(error)")
            }
        }
        let clusterer = StoryClusterer(parameters: parameters)
        let assigned = items.map { ($0.id, clusterer.add($0.item, newKey: "story-\($0.id)")) }
        var out = ""
        for (id, handle) in assigned {
            out += "{\"id\": \(Escaping.quoted(id)), \"story\": \(Escaping.quoted(clusterer.key(of: handle)))}\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }

    /// `name=value` settings of the clusterer's parameters, for tuning by hand.
    private static func apply(_ settings: [String], to parameters: inout StoryClusterer.Parameters) throws {
        let fields: [String: WritableKeyPath<StoryClusterer.Parameters, Double>] = [
            "joinSingle": \.joinSingle, "joinLarge": \.joinLarge, "merge": \.merge, "meaningSame": \.meaningSame,
            "meaningCJK": \.meaningCJK, "meaningCross": \.meaningCross, "meaningWeight": \.meaningWeight,
            "meaningMergeOffset": \.meaningMergeOffset, "meaningLexicalFloor": \.meaningLexicalFloor,
            "meaningExcerptShift": \.meaningExcerptShift,
        ]
        for setting in settings {
            let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let field = fields[parts[0]], let value = Double(parts[1]) else {
                throw ValidationError("--tune wants name=number with a name among \(fields.keys.sorted().joined(separator: ", "))")
            }
            parameters[keyPath: field] = value
        }
    }

    /// A JSON string, or a number written as text (ids are sometimes numbers).
    private static func text(_ value: Any?) -> String? {
        if let string = value as? String { return string }
        if let number = value as? NSNumber { return number.stringValue }
        return nil
    }
}
