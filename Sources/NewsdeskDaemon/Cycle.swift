import Foundation
import Logging
import NewsdeskConfig
import NewsdeskPublish
import NewsdeskStore
import NewsdeskStories

/// One cycle, as `run` and `once` both go through it: poll what is due, give the new items
/// their vectors (how is the caller's: the daemon waits for its embedding thread, `once`
/// embeds in line), fold them into stories, publish, write the metrics file. On a state that
/// several daemons share (PostgreSQL), only the publisher (``StateStore/isPublisher(name:now:)``)
/// folds and publishes; the others poll and embed (and write their metrics file).
///
/// A failing database ends the cycle (``Failure``); outputs or a metrics file that cannot be
/// written do not: the cycle is done, and the report says what failed (the daemon logs it and
/// tries again at the next cycle, `once` exits 4).
public struct Cycle {
    public var config: Config
    public var store: StateStore
    public var logger: Logger
    public var clock: @Sendable () -> Date
    /// The clusterer a long-running process keeps between cycles.
    public var memory: StoryMemory?

    public init(config: Config, store: StateStore, logger: Logger, clock: @escaping @Sendable () -> Date, memory: StoryMemory? = nil) {
        self.config = config
        self.store = store
        self.logger = logger
        self.clock = clock
        self.memory = memory
    }

    /// Where a cycle is, for a progress line.
    public enum Stage {
        case polling(PollSummary, due: Int)
        case folding(StoryUpdate)
        case publishing
    }

    /// What the caller does at each step.
    public struct Hooks {
        /// Asked often (at least once a second) by long steps: true ends the cycle early, before
        /// publishing (what was fetched is stored).
        public var shouldStop: () -> Bool = { false }
        public var progress: (Stage) -> Void = { _ in }
        /// After polling, before folding: the new items' vectors.
        public var vectors: (PollSummary) throws(StoreError) -> Void = { _ in }
        /// After folding, before publishing.
        public var folded: (PollSummary, StoryUpdate) -> Void = { _, _ in }

        public init() {}
    }

    /// What a cycle did.
    public struct Report: Sendable {
        public var summary: PollSummary
        public var stories: StoryUpdate
        /// Nil when the cycle was stopped before publishing, or publishing failed.
        public var published: PublishReport?
        /// Whether this process folded and published (on a shared state, one daemon does).
        public var publisher = true
        /// Why the outputs, or the metrics file, could not be written.
        public var publishError: String?
        public var metricsError: String?
        public var duration: TimeInterval
        public var finished: Date
    }

    /// The database failed: the cycle was abandoned where it stood.
    public struct Failure: Error, CustomStringConvertible {
        public var error: StoreError
        public var description: String { error.description }
    }

    /// Runs one cycle: every feed due (with `all`, every feed not gone or waiting out a
    /// Retry-After).
    public func run(all: Bool = false, hooks: Hooks = Hooks()) throws(Failure) -> Report {
        let started = DispatchTime.now()
        let summary: PollSummary
        let stories: StoryUpdate
        do {
            summary = try FeedPoller(config: config, store: store, logger: logger, clock: clock)
                .poll(all: all, shouldStop: hooks.shouldStop, progress: { hooks.progress(.polling($0, due: $1)) })
            try hooks.vectors(summary)
            // On a shared state one daemon folds and publishes; the others only poll.
            guard try store.isPublisher(name: FeedPoller.daemonName, now: clock()) else {
                var report = Report(
                    summary: summary, stories: StoryUpdate(), publisher: false, duration: started.elapsed, finished: clock())
                report.metricsError = writeMetrics(report)
                return report
            }
            hooks.progress(.folding(StoryUpdate()))
            stories = try StoryDesk(config: config, store: store)
                .update(memory: memory, now: clock(), shouldStop: hooks.shouldStop, progress: { hooks.progress(.folding($0)) })
            try store.refreshStatistics()
        } catch {
            throw Failure(error: error)
        }
        hooks.folded(summary, stories)
        var report = Report(summary: summary, stories: stories, duration: 0, finished: clock())
        guard !hooks.shouldStop() else { return report }
        hooks.progress(.publishing)
        do {
            report.published = try Publisher(config: config, store: store).publish(now: clock())
        } catch {
            report.publishError = "\(error)"
        }
        report.duration = started.elapsed
        report.finished = clock()
        report.metricsError = writeMetrics(report)
        return report
    }

    /// Writes the metrics file for `report`; why it could not, if it could not.
    private func writeMetrics(_ report: Report) -> String? {
        do {
            try MetricsFile.write(
                CycleReport(summary: report.summary, duration: report.duration, finished: report.finished, publisher: report.publisher),
                config: config, store: store, daemon: FeedPoller.daemonName)
        } catch {
            return "\(error)"
        }
        return nil
    }
}
