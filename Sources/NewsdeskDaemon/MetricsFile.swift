import Foundation
import NewsdeskBase
import NewsdeskConfig
import NewsdeskStore

/// One finished cycle, as the metrics file reports it.
public struct CycleReport: Sendable {
    public var summary: PollSummary
    /// From the start of polling to the end of publishing.
    public var duration: TimeInterval
    /// When the cycle ended (every step done, whatever feeds failed).
    public var finished: Date

    public init(summary: PollSummary, duration: TimeInterval, finished: Date) {
        self.summary = summary
        self.duration = duration
        self.finished = finished
    }
}

/// The metrics file (`metrics_file`): Prometheus's text format, rewritten atomically after every
/// cycle, for node_exporter's textfile collector (`--collector.textfile.directory`), so that
/// nothing has to listen on a port. Gauges only: each value is the state after the last cycle
/// (feeds by state, what that cycle fetched, how long it took) or a count of the database.
public enum MetricsFile {
    /// The file's text for `cycle`, with the counts of the state and, with `[embeddings]`, the
    /// items of the window waiting for a vector.
    public static func render(_ cycle: CycleReport, counts: StateCounts, embeddingsWaiting: Int?) -> String {
        var out = ""
        func gauge(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP newsdesk_\(name) \(help)\n# TYPE newsdesk_\(name) gauge\n"
            for sample in samples { out += "newsdesk_\(name)\(sample.labels) \(sample.value)\n" }
        }
        func number(_ value: Double) -> String { value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value) }
        gauge(
            "feeds", "Feeds of the config by the state of their last fetch.",
            FeedState.allCases.map { ("{state=\"\($0.rawValue)\"}", String(counts.feedsByState[$0.rawValue] ?? 0)) })
        let summary = cycle.summary
        gauge(
            "cycle_fetches", "Fetches of the last cycle by outcome.",
            [
                ("{outcome=\"fetched\"}", String(summary.fetched)), ("{outcome=\"not_modified\"}", String(summary.notModified)),
                ("{outcome=\"failed\"}", String(summary.failed)),
            ])
        gauge("cycle_fetched_bytes", "Bytes of the documents fetched in the last cycle (decoded).", [("", String(summary.bytes))])
        gauge("cycle_new_items", "Items stored as new in the last cycle.", [("", String(summary.newItems))])
        gauge(
            "cycle_duration_seconds", "How long the last cycle took, polling to publishing.", [("", String(format: "%.3f", cycle.duration))]
        )
        gauge("items", "Items in the database (pruned ones included).", [("", String(counts.items))])
        gauge("stories", "Stories in the database.", [("", String(counts.stories))])
        if let embeddingsWaiting {
            gauge("embeddings_waiting", "Items of the cluster window waiting for a vector.", [("", String(embeddingsWaiting))])
        }
        if let published = counts.lastPublished {
            gauge(
                "last_publish_timestamp_seconds", "When a period's archive and digest were last written (Unix time).",
                [("", number(published.timeIntervalSince1970.rounded()))])
        }
        gauge(
            "last_good_cycle_timestamp_seconds", "When the last cycle finished (Unix time).",
            [("", number(cycle.finished.timeIntervalSince1970.rounded()))])
        return out
    }

    /// Writes the metrics file of `config` for `cycle`, when the config names one.
    public static func write(_ cycle: CycleReport, config: Config, store: StateStore) throws(MetricsError) {
        guard let path = config.settings.metricsFile else { return }
        do {
            let counts = try store.counts(configured: Set(config.feeds.map(\.url)))
            let waiting = try config.embeddings.map { settings throws(StoreError) in
                try store.embeddingBacklog(
                    model: settings.model, since: cycle.finished.addingTimeInterval(-config.settings.clusterWindow.timeInterval))
            }
            try AtomicFile.write(Array(render(cycle, counts: counts, embeddingsWaiting: waiting).utf8), to: path)
        } catch let error as StoreError {
            throw MetricsError(description: "metrics_file: \(error)")
        } catch {
            throw MetricsError(description: "metrics_file: \(error)")
        }
    }

    /// Why the metrics file could not be written.
    public struct MetricsError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }
}
