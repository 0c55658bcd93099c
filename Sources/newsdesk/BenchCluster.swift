import ArgumentParser
import Foundation
import NewsdeskStories

/// `newsdesk bench cluster`: the story clusterer's throughput and memory on a long synthetic
/// stream with vectors, to show that the cost per item stays flat as the stream grows.
struct BenchCluster: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Fold a synthetic stream of items with vectors; print items/s per tenth of the stream and peak memory.",
        discussion: """
            Events arrive at a steady rate; each is reported by 1 to 8 items written from its own words and a few \
            common ones, with vectors scattered around the event's own direction inside a shared cone (as sentence \
            embeddings are). The window is the daemon's 48 h, so a steady stream keeps the same number of live stories.
            """)

    @Option(help: "Items in the stream.")
    var items = 100_000

    @Option(help: "Items per hour (the default is 1,000 feeds' worth).")
    var rate = 800

    @Option(help: "Vector dimensions (0: no vectors, lexical folding only).")
    var dimensions = 384

    func run() throws {
        var seeded = SplitMix64(seed: 42)
        let clusterer = StoryClusterer()
        let start = Date(timeIntervalSince1970: 1_750_000_000)
        let cone = unit((0..<dimensions).map { _ in seeded.nextGaussian() })
        let vocabulary = (0..<50_000).map { "w\($0)" }
        let common = ["council", "police", "report", "plan", "vote", "city", "year", "people", "court", "market"]
        var event: (words: [String], direction: [Double], left: Int) = ([], [], 0)
        var eventCount = 0
        let tenth = max(items / 10, 1)
        var lap = Date()
        var lines: [String] = []
        for index in 0..<items {
            if event.left == 0 {
                eventCount += 1
                let words = (0..<6).map { _ in vocabulary[Int(seeded.next() % UInt64(vocabulary.count))] }
                let own = unit((0..<dimensions).map { _ in seeded.nextGaussian() })
                event = (words, unit(zip(cone, own).map { 2.2 * $0 + $1 }), 1 + Int(seeded.next() % 8))
            }
            event.left -= 1
            var title = (0..<4).map { _ in event.words[Int(seeded.next() % 6)] }
            title.append(common[Int(seeded.next() % UInt64(common.count))])
            let vector: [Float]? =
                dimensions > 0
                ? unit(zip(event.direction, (0..<dimensions).map { _ in seeded.nextGaussian() }).map { $0 + 0.035 * $1 }).map(Float.init)
                : nil
            let item = ClusterItem(
                source: "feed\(seeded.next() % 1_000)", title: title.joined(separator: " "),
                time: start.addingTimeInterval(Double(index) * 3_600 / Double(rate)), vector: vector)
            clusterer.add(item, newKey: "story-\(index)")
            if (index + 1) % tenth == 0 {
                let now = Date()
                lines.append(String(format: "items %9d: %8.0f items/s", index + 1, Double(tenth) / now.timeIntervalSince(lap)))
                lap = now
            }
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print("\(items) items, \(eventCount) events, \(rate) items/h, \(dimensions) dimensions")
        for line in lines { print(line) }
        print("peak memory: \(usage.ru_maxrss / 1024) MB")
    }

    private func unit(_ vector: [Double]) -> [Double] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }
}
