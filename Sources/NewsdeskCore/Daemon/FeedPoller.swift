import Foundation
import Logging

/// What one polling cycle did, for `newsdesk once` to print.
public struct PollSummary: Sendable {
    public struct Failure: Sendable {
        public var url: String
        public var message: String
    }

    /// Feeds fetched this cycle.
    public var polled = 0
    /// Feeds that brought a new document, answered 304 (or the same bytes), or failed.
    public var fetched = 0
    public var notModified = 0
    public var failed = 0
    public var newItems = 0
    public var updatedItems = 0
    public var failures: [Failure] = []
}

/// One polling cycle: picks the feeds that are due, fetches them together through one libcurl
/// multi loop, parses what came back and stores it, one transaction per batch of feeds.
///
/// Not `Sendable`: a cycle runs on the thread that calls ``poll(all:)``.
public final class FeedPoller {
    private let config: Config
    private let store: StateStore
    private let logger: Logger
    private let policy: PollPolicy
    private let clock: @Sendable () -> Date
    private let random: () -> Double
    /// Which addresses count as non-public (a test may move the line; feeds that allow private
    /// networks are not asked).
    var classify: AddressPolicy.Classifier = AddressPolicy.classify

    /// Results are stored in batches of this many feeds (one transaction each).
    static let batchSize = 200

    public init(
        config: Config, store: StateStore, logger: Logger,
        clock: @escaping @Sendable () -> Date = { Date() }, random: @escaping () -> Double = { Double.random(in: 0...1) }
    ) {
        self.config = config
        self.store = store
        self.logger = logger
        self.policy = PollPolicy(defaultInterval: config.settings.pollInterval.timeInterval)
        self.clock = clock
        self.random = random
    }

    /// Polls every feed due now or within `PollPolicy.gather` (with `all`, every feed not gone
    /// and not inside a Retry-After).
    /// `shouldStop` ends the cycle early (transfers in flight are dropped, results already in
    /// are stored).
    public func poll(all: Bool = false, shouldStop: () -> Bool = { false }) throws(StoreError) -> PollSummary {
        let records = try store.syncFeeds(config.feeds)
        let start = clock()
        let configs = Dictionary(config.feeds.map { ($0.url, $0) }, uniquingKeysWith: { first, _ in first })
        let due = records.filter { record in
            switch record.state {
            case .gone: return false
            case .retryAfter where record.nextDue > start: return false
            default: return all || record.nextDue <= start.addingTimeInterval(PollPolicy.gather)
            }
        }
        var summary = PollSummary()
        guard !due.isEmpty else { return summary }
        let requests = due.map { record in
            // A 304-forever server still gets one unconditional fetch a day.
            let unconditional = record.lastFullFetch.map { start.timeIntervalSince($0) >= PollPolicy.unconditionalEvery } ?? true
            var request =
                unconditional
                ? FetchRequest(url: record.fetchURL)
                : FetchRequest(url: record.fetchURL, etag: record.etag, lastModified: record.lastModified)
            request.allowPrivateNetworks = configs[record.url]?.allowPrivateNetworks ?? config.settings.allowPrivateNetworks
            return request
        }
        var limits = FetchLimits()
        limits.timeout = config.settings.timeout
        limits.connectTimeout = min(config.settings.timeout, .seconds(10))
        limits.maxBody = config.settings.maxBody
        guard let multi = CurlMulti(concurrency: config.settings.concurrency, perHost: config.settings.perHost, classify: classify) else {
            throw StoreError(path: store.path, message: "libcurl could not start")
        }
        let parser = FeedParser(
            options: .init(
                maxBytes: config.settings.maxBody, now: start, maxTitleChars: config.settings.maxTitleChars,
                maxExcerptChars: config.settings.maxExcerptChars))
        let posts = try store.datedPosts(since: start.addingTimeInterval(-7 * 86_400), until: start)
        var batch: [(FeedRecord, [FeedItem]?)] = []
        var storeError: StoreError?

        func flush() {
            guard !batch.isEmpty, storeError == nil else { return }
            if ProcessInfo.processInfo.environment["NEWSDESK_FAULT"] == "kill-before-store" {
                kill(getpid(), SIGKILL)  // fault injection for the crash tests: fetched, never stored
            }
            do {
                let outcomes = try store.record(batch, now: clock())
                for ((record, items), outcome) in zip(batch, outcomes) where items != nil {
                    summary.newItems += outcome.new
                    summary.updatedItems += outcome.updated
                    if outcome.new + outcome.updated > 0 {
                        logger.info(
                            "stored items", metadata: ["feed": "\(record.url)", "new": "\(outcome.new)", "updated": "\(outcome.updated)"])
                    }
                }
            } catch {
                storeError = error
            }
            batch.removeAll(keepingCapacity: true)
        }

        multi.run(requests, limits: limits, shouldStop: shouldStop) { index, result in
            let record = due[index]
            let now = clock()
            guard let feedConfig = configs[record.url] else { return }
            let outcome = FetchOutcome(
                result: result, record: record, config: feedConfig, policy: policy, parser: parser, now: now,
                postsLastWeek: { posts[record.id] }, random: random())
            var updated = outcome.record
            if requests[index].etag == nil && requests[index].lastModified == nil { updated.lastFullFetch = now }
            summary.polled += 1
            log(outcome, record: updated, config: feedConfig)
            switch outcome.event {
            case .fetched: summary.fetched += 1
            case .notModified: summary.notModified += 1
            case .failed(let message):
                summary.failed += 1
                summary.failures.append(.init(url: record.url, message: message))
            case .gone, .retryAfter:
                summary.failed += 1
                summary.failures.append(.init(url: record.url, message: updated.error ?? "unavailable"))
            }
            batch.append((updated, outcome.feed?.items))
            if batch.count >= Self.batchSize { flush() }
        }
        flush()
        if let storeError { throw storeError }
        try store.prune(before: clock().addingTimeInterval(-config.settings.retention.timeInterval))
        return summary
    }

    private func log(_ outcome: FetchOutcome, record: FeedRecord, config: FeedConfig) {
        var metadata: Logger.Metadata = ["feed": "\(record.url)"]
        if record.fetchURL != config.fetchURL { metadata["fetch_url"] = "\(record.fetchURL)" }
        if let status = record.httpStatus { metadata["status"] = "\(status)" }
        if let moved = outcome.movedTo {
            logger.notice("feed moved permanently: now fetched from \(moved)", metadata: metadata)
        }
        switch outcome.event {
        case .fetched(let items):
            metadata["items"] = "\(items)"
            logger.debug("fetched", metadata: metadata)
        case .notModified:
            logger.debug("not modified", metadata: metadata)
        case .failed(let message):
            metadata["errors"] = "\(record.errorCount)"
            metadata["next"] = "\(FeedDate.rfc3339(record.nextDue))"
            logger.warning("fetch failed: \(message)", metadata: metadata)
        case .gone:
            logger.warning("410 Gone: polling stopped", metadata: metadata)
        case .retryAfter(let wait):
            logger.warning("server asked to wait \(Int(wait)) s (Retry-After)", metadata: metadata)
        }
    }
}
