import ArgumentParser
import Foundation
import NewsdeskCore

/// `newsdesk cluster`: the daemon's story clustering over JSON lines, for measuring it.
struct Cluster: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Group JSON-lines items from stdin into stories with the daemon's clustering.",
        discussion: """
            Input: one JSON object per line, {"id", "source", "title", "summary"?, "link"?, "published"?}. \
            Output: one line {"id": "...", "story": "..."} per item, in input order. The time window is measured \
            between the items' own published dates, never the clock; items are taken in the order given.
            """)

    @Option(help: "Items join a story only if their dates are this close (e.g. 48h).")
    var window = "48h"

    func run() throws {
        guard let span = ConfigValue.duration(window) else { throw ValidationError("bad duration '\(window)'") }
        var parameters = StoryClusterer.Parameters()
        parameters.window = span.timeInterval
        let clusterer = StoryClusterer(parameters: parameters)
        var assigned: [(id: String, handle: Int)] = []
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
            assigned.append((id, clusterer.add(item, newKey: "story-\(id)")))
        }
        var out = ""
        for (id, handle) in assigned {
            out += "{\"id\": \(Escaping.quoted(id)), \"story\": \(Escaping.quoted(clusterer.key(of: handle)))}\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }

    /// A JSON string, or a number written as text (ids are sometimes numbers).
    private static func text(_ value: Any?) -> String? {
        if let string = value as? String { return string }
        if let number = value as? NSNumber { return number.stringValue }
        return nil
    }
}
