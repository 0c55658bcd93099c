import ArgumentParser
import Foundation
import NewsdeskStories

/// `newsdesk similarity` (hidden): the wire-copy similarity of text pairs, for measuring its threshold.
struct Similarity: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print how alike pairs of titles and excerpts are, as syndication detection measures it.",
        discussion: """
            Input: one JSON object per line, {"a": [title, excerpt], "b": [title, excerpt]} (either may be null). \
            Output: one similarity (0-1) per line, in input order. Used by Benchmarks/syndication-threshold.py.
            """,
        shouldDisplay: false)

    @Option(help: "Tokens per shingle (default: the daemon's).")
    var shingle: Int?

    @Option(help: "The least divisor of the shared shingles (default: the daemon's).")
    var floor: Int?

    func run() throws {
        var parameters = Syndication.Parameters()
        if let shingle { parameters.shingle = shingle }
        if let floor { parameters.floor = floor }
        var out = ""
        var lineNumber = 0
        while let line = readLine(strippingNewline: true) {
            lineNumber += 1
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let a = object["a"] as? [Any], let b = object["b"] as? [Any], a.count == 2, b.count == 2
            else {
                Console.error("stdin:\(lineNumber): not {\"a\": [title, excerpt], \"b\": [title, excerpt]}")
                throw ExitCode.failure
            }
            let similarity = Syndication.similarity(
                (a[0] as? String, a[1] as? String), (b[0] as? String, b[1] as? String), parameters: parameters)
            out += String(format: "%.4f\n", similarity)
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
