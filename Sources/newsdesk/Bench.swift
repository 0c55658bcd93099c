import ArgumentParser
import Foundation
import NewsdeskParse

/// `newsdesk bench`: throughput measurements, run by hand (figures go to docs/BENCHMARKS.md).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure Newsdesk's speed.",
        subcommands: [BenchParse.self, BenchCluster.self]
    )
}

struct BenchParse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse feed files repeatedly; print MB/s and items/s next to a bare libxml2 pass."
    )

    @Argument(help: "Feed files or folders (searched for .xml .rss .atom .rdf .feed).")
    var paths: [String]

    @Option(help: "How many times to parse every file.")
    var rounds = 5

    @Flag(help: "Also print the time spent in each stage of the parse.")
    var stages = false

    func run() throws {
        let files = ParseBenchmark.feedFiles(paths)
        guard !files.isEmpty else {
            FileHandle.standardError.write(Data("newsdesk: no feed files under \(paths.joined(separator: " "))\n".utf8))
            throw ExitCode.failure
        }
        let result = ParseBenchmark.run(files: files, rounds: max(1, rounds))
        print("files: \(result.files), \(result.bytes) bytes, \(result.items) items, \(result.failures) not feeds, \(result.rounds) rounds")
        print(String(format: "newsdesk: %.1f MB/s, %.0f items/s", result.megabytesPerSecond, result.itemsPerSecond))
        print(String(format: "libxml2 floor: %.1f MB/s", result.floorMegabytesPerSecond))
        if stages {
            for (stage, seconds) in ParseBenchmark.stages(files: files, rounds: max(1, rounds)) {
                print(String(format: "  %@: %.1f ms per round", stage, seconds * 1000 / Double(max(1, rounds))))
            }
        }
    }
}
