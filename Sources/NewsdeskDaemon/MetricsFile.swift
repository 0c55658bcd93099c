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

    /// Whether this daemon folded and published in it (on a shared state, one daemon does).
    public var publisher: Bool

    public init(summary: PollSummary, duration: TimeInterval, finished: Date, publisher: Bool = true) {
        self.summary = summary
        self.duration = duration
        self.finished = finished
        self.publisher = publisher
    }
}

/// What a daemon on a shared state (PostgreSQL) adds to its metrics: its name, and the leases
/// in force, by daemon.
public struct SharedFigures: Sendable {
    public var daemon: String
    public var leases: [Lease]

    public init(daemon: String, leases: [Lease]) {
        self.daemon = daemon
        self.leases = leases
    }
}

/// The metrics file (`metrics_file`): Prometheus's text format, rewritten atomically after every
/// cycle, for node_exporter's textfile collector (`--collector.textfile.directory`), so that
/// nothing has to listen on a port. Gauges only: each value is the state after the last cycle
/// (feeds by state, what that cycle fetched, how long it took) or a count of the database.
///
/// On a shared state every daemon writes its own file (on its own machine, for its own
/// node_exporter): the cycle's figures are that daemon's, the counts are the database's, and
/// `newsdesk_publisher` and `newsdesk_leased_feeds` say who does what.
public enum MetricsFile {
    /// The file's text for `cycle`, with the counts of the state, with `[embeddings]` the items
    /// of the window waiting for a vector, and on a shared state the daemons' figures.
    public static func render(_ cycle: CycleReport, counts: StateCounts, embeddingsWaiting: Int?, shared: SharedFigures? = nil) -> String {
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
        if let shared {
            let daemon = "{daemon=\"\(label(shared.daemon))\"}"
            gauge(
                "publisher", "Whether this daemon folded and published in its last cycle (1) or only polled (0).",
                [(daemon, cycle.publisher ? "1" : "0")])
            gauge(
                "leased_feeds", "Feeds leased to each daemon (being fetched) when the last cycle ended.",
                shared.leases.map { ("{daemon=\"\(label($0.owner))\"}", String($0.feeds)) })
        }
        return out
    }

    /// A label value in the text format: backslash, quote and line feed escaped.
    static func label(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Writes the metrics file of `config` for `cycle`, when the config names one; `daemon` is
    /// this daemon's name on a shared state.
    public static func write(_ cycle: CycleReport, config: Config, store: StateStore, daemon: String) throws(MetricsError) {
        guard let path = config.settings.metricsFile else { return }
        do {
            let counts = try store.counts(configured: Set(config.feeds.map(\.url)))
            let waiting = try config.embeddings.map { settings throws(StoreError) in
                try store.embeddingBacklog(
                    model: settings.model, since: cycle.finished.addingTimeInterval(-config.settings.clusterWindow.timeInterval))
            }
            let shared = store.isShared ? SharedFigures(daemon: daemon, leases: try store.leases(now: cycle.finished)) : nil
            try AtomicFile.write(Array(render(cycle, counts: counts, embeddingsWaiting: waiting, shared: shared).utf8), to: path)
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
