import Foundation

/// Measures the parser over a set of feed files against the bare libxml2 pass over the same bytes.
public struct ParseBenchmark: Sendable {
    /// Throughput figures of one run.
    public struct Result: Sendable {
        public var files: Int
        public var bytes: Int
        public var items: Int
        public var rounds: Int
        public var parseSeconds: Double
        public var floorSeconds: Double
        public var failures: Int

        public var megabytesPerSecond: Double { Double(bytes * rounds) / 1e6 / parseSeconds }
        public var itemsPerSecond: Double { Double(items * rounds) / parseSeconds }
        public var floorMegabytesPerSecond: Double { Double(bytes * rounds) / 1e6 / floorSeconds }
    }

    /// Files under `paths` (folders searched for .xml, .rss, .atom, .rdf, .feed) in name order.
    public static func feedFiles(_ paths: [String]) -> [String] {
        let extensions: Set<String> = ["xml", "rss", "atom", "rdf", "feed"]
        var found: [String] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
            if !isFolder.boolValue {
                found.append(path)
                continue
            }
            let walker = FileManager.default.enumerator(atPath: path)
            while let relative = walker?.nextObject() as? String {
                if extensions.contains((relative as NSString).pathExtension.lowercased()) {
                    found.append((path as NSString).appendingPathComponent(relative))
                }
            }
        }
        return found.sorted()
    }

    /// Parses every file `rounds` times with Newsdesk and with libxml2 alone. The floor parses the
    /// documents already transcoded to UTF-8 (transcoding is not timed for it) with no callbacks.
    public static func run(files: [String], rounds: Int) -> Result {
        let documents = files.compactMap { FileManager.default.contents(atPath: $0).map { [UInt8]($0) } }
        let utf8 = documents.map { CharsetDecoder.decode($0).bytes }
        let parser = FeedParser(options: .init(now: Date()))
        var items = 0, failures = 0
        let clock = ContinuousClock()
        let parseTime = clock.measure {
            for round in 0..<rounds {
                for document in documents {
                    do {
                        let feed = try parser.parse(document)
                        if round == 0 { items += feed.items.count }
                    } catch {
                        if round == 0 { failures += 1 }
                    }
                }
            }
        }
        let floorTime = clock.measure {
            for _ in 0..<rounds {
                for document in utf8 { _ = FeedParser.bareXMLPass(document) }
            }
        }
        return Result(files: documents.count, bytes: documents.reduce(0) { $0 + $1.count }, items: items,
                      rounds: rounds, parseSeconds: parseTime.seconds, floorSeconds: floorTime.seconds,
                      failures: failures)
    }
}

extension Duration {
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
