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
        var items = 0
        var failures = 0
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
        return Result(
            files: documents.count, bytes: documents.reduce(0) { $0 + $1.count }, items: items,
            rounds: rounds, parseSeconds: parseTime.seconds, floorSeconds: floorTime.seconds,
            failures: failures)
    }
}

extension ParseBenchmark {
    /// Seconds spent in each stage of the parse over all files and rounds: where the time goes.
    public static func stages(files: [String], rounds: Int) -> [(stage: String, seconds: Double)] {
        let documents = files.compactMap { FileManager.default.contents(atPath: $0).map { [UInt8]($0) } }
        let clock = ContinuousClock()
        var decodeTime = Duration.zero
        var repairTime = Duration.zero
        var xmlTime = Duration.zero
        var normalizeTime = Duration.zero
        var sinkTime = Duration.zero
        for _ in 0..<rounds {
            for document in documents {
                var decoded: CharsetDecoder.Decoded?
                decodeTime += clock.measure { decoded = CharsetDecoder.decode(document) }
                var lifted = XMLRepair.Repaired(bytes: [], lifted: [], pieces: [], warnings: [])
                repairTime += clock.measure { lifted = XMLRepair.repair(decoded?.bytes ?? []) }
                let repaired = lifted.bytes
                let null = NullSink()
                sinkTime += clock.measure { _ = repaired.withUnsafeBytes { XMLStreamParser.parse($0, sink: null) } }
                let builder = FeedBuilder(documentURL: nil, lifted: lifted)
                xmlTime += clock.measure { _ = repaired.withUnsafeBytes { XMLStreamParser.parse($0, sink: builder) } }
                guard let format = builder.feed.format else { continue }
                normalizeTime += clock.measure {
                    _ = FeedNormalizer(now: Date()).normalize(builder.feed, format: format, warnings: [])
                }
            }
        }
        return [
            ("decode", decodeTime.seconds), ("repair", repairTime.seconds), ("xml+build", xmlTime.seconds),
            ("xml+nullsink", sinkTime.seconds), ("normalize", normalizeTime.seconds),
        ]
    }
}

/// Takes every event and does nothing with it: the cost of the SAX parse and its callbacks.
final class NullSink: XMLEventSink {
    func startElement(_ name: XMLName, attributes: XMLAttributes) -> Bool { true }
    func endElement(_ name: XMLName) -> Bool { true }
    func characters(_ text: UnsafeBufferPointer<UInt8>) {}
}

extension Duration {
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
