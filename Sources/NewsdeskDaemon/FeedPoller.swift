import Foundation
import Logging
import NewsdeskBase
import NewsdeskConfig
import NewsdeskFetch
import NewsdeskParse
import NewsdeskStore

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
    /// Items beyond `max_items_per_document` not taken, and items evicted earlier that came back
    /// and were ignored (see ``StateStore/record(_:now:maxItemsPerFeed:)``).
    public var droppedItems = 0
    public var ignoredItems = 0
    /// Bytes of the documents fetched (as decoded: what was parsed).
    public var bytes = 0
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
    /// Feeds leased at a time: this many per transfer slot (`concurrency`).
    static let rounds = 8
    /// How long (in seconds, asking every 0.2 s) a poller waits in a row for hosts other daemons
    /// hold: time, not a count of tries, so that a loaded database does not stretch it.
    static let maxWait: TimeInterval = 10

    public init(
        config: Config, store: StateStore, logger: Logger,
        clock: @escaping @Sendable () -> Date = { Date() }, random: @escaping () -> Double = { Double.random(in: 0...1) }
    ) {
        self.config = config
        self.store = store
        self.logger = logger
        self.policy = PollPolicy(defaultInterval: config.settings.pollInterval.timeInterval, minimum: config.settings.minimumInterval)
        self.clock = clock
        self.random = random
    }

    /// This process as the leases, the publisher and `status` name it: `host:pid`.
    public static let daemonName: String = {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count - 1)
        return "\(String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)):\(getpid())"
    }()

    /// Polls every feed due now or within the policy's `gather` (with `all`, every feed not gone
    /// and not inside a Retry-After).
    /// `shouldStop` ends the cycle early (transfers in flight are dropped, results already in
    /// are stored). `progress` hears the summary so far and how many feeds are due, after each
    /// feed's answer.
    public func poll(
        all: Bool = false, shouldStop: () -> Bool = { false }, progress: (PollSummary, _ due: Int) -> Void = { _, _ in }
    ) throws(StoreError) -> PollSummary {
        let start = clock()
        warn(about: try store.repairFutureTimes(now: start, horizon: PollPolicy.longestWait))
        let records = try store.syncFeeds(config.feeds)
        let configs = Dictionary(config.feeds.map { ($0.url, $0) }, uniquingKeysWith: { first, _ in first })
        let candidates = records.filter { record in
            switch record.state {
            case .gone: return false
            case .retryAfter where record.nextDue > start: return false
            default: return all || record.nextDue <= start.addingTimeInterval(policy.gather)
            }
        }
        var summary = PollSummary()
        guard !candidates.isEmpty else { return summary }
        func requests(for due: [FeedRecord]) -> [FetchRequest] {
            due.map { record in
                // A 304-forever server still gets one unconditional fetch a day.
                let unconditional = record.lastFullFetch.map { start.timeIntervalSince($0) >= PollPolicy.unconditionalEvery } ?? true
                var request =
                    unconditional
                    ? FetchRequest(url: record.fetchURL)
                    : FetchRequest(url: record.fetchURL, etag: record.etag, lastModified: record.lastModified)
                request.allowPrivateNetworks = configs[record.url]?.allowPrivateNetworks ?? config.settings.allowPrivateNetworks
                return request
            }
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
            Faults.reached(.beforeStore)
            do {
                let outcomes = try store.record(
                    batch, now: clock(), maxItemsPerFeed: config.settings.maxItemsPerFeed,
                    boilerplate: BoilerplateFilter(maxExcerptChars: config.settings.maxExcerptChars))
                for ((record, items), outcome) in zip(batch, outcomes) where items != nil {
                    summary.newItems += outcome.new
                    summary.updatedItems += outcome.updated
                    summary.ignoredItems += outcome.ignored
                    if outcome.new + outcome.updated > 0 {
                        logger.info(
                            "stored items", metadata: ["feed": "\(record.url)", "new": "\(outcome.new)", "updated": "\(outcome.updated)"])
                    }
                    if outcome.evicted + outcome.ignored > 0 {
                        logger.notice(
                            "max_items_per_feed (\(config.settings.maxItemsPerFeed)) reached: the oldest items deleted, deleted ones that came back ignored",
                            metadata: ["feed": "\(record.url)", "evicted": "\(outcome.evicted)", "ignored": "\(outcome.ignored)"])
                    }
                }
            } catch {
                storeError = error
            }
            batch.removeAll(keepingCapacity: true)
        }

        // The feeds are leased a batch at a time (StateStore+Leases.swift): other daemons on the
        // same state take the rest. A batch is fetched within `rounds` timeouts at most, and its
        // lease outlasts that: only a daemon that died leaves a lease to expire.
        let batchSize = max(config.settings.concurrency * Self.rounds, 64)
        // A host's feeds in one batch: what `per_host` transfers fetch in `rounds`.
        let perHostPerBatch = config.settings.perHost * Self.rounds
        let leaseTime = config.settings.timeout.timeInterval * Double(batchSize / max(config.settings.concurrency, 1) + 1) + 30
        var remaining = candidates.map(\.id)[...]
        var waitingSince: DispatchTime?
        // Feeds passed over because other daemons held their hosts too long: they are tried
        // again after the rest (with a new while to wait), and that second pass is the last.
        var deferred = Set<Int64>()
        var secondPass = false
        while !remaining.isEmpty, !shouldStop() {
            // A window of the earliest due (what others hold is waited for a while, below).
            let window = Array(remaining.prefix(batchSize * 2))
            if !secondPass, let first = window.first, deferred.contains(first) {
                secondPass = true
                waitingSince = nil
            }
            remaining = remaining.dropFirst(window.count)
            let now = clock()
            let due = try store.lease(
                window, owner: Self.daemonName, now: now, until: now.addingTimeInterval(leaseTime),
                dueBy: all ? nil : start.addingTimeInterval(policy.gather), notFetchedSince: start, limit: batchSize,
                perHost: perHostPerBatch)
            let leased = Set(due.map(\.id))
            // Nothing to take: the window's feeds were fetched meanwhile, or other daemons are
            // on their hosts. While others fetch, the window waits for them a while (their
            // hosts come free as they finish a batch); else, or after that, it is done.
            var waiting = false
            var othersHold = false
            if due.isEmpty, try store.leases(now: now).contains(where: { $0.owner != Self.daemonName }) {
                othersHold = true
                let since = waitingSince ?? .now()
                waitingSince = since
                if since.elapsed < Self.maxWait {
                    waiting = true
                    Thread.sleep(forTimeInterval: 0.2)
                }
            } else if !due.isEmpty {
                waitingSince = nil
            }
            remaining = window.filter { !leased.contains($0) }.dropFirst(due.isEmpty && !waiting ? window.count : 0) + remaining
            if due.isEmpty, othersHold, !waiting, !secondPass { remaining += window.filter { deferred.insert($0).inserted } }
            guard !due.isEmpty else { continue }
            fetch(due, requests: requests(for: due))
        }
        flush()
        progress(summary, candidates.count)
        if let storeError { throw storeError }
        if shouldStop() { try store.releaseLeases(owner: Self.daemonName) }
        try store.prune(before: clock().addingTimeInterval(-config.settings.retention.timeInterval))
        try store.vacuumStep()
        return summary

        func fetch(_ due: [FeedRecord], requests: [FetchRequest]) {
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
                if case .success(let response) = result { summary.bytes += response.body.count }
                var items = outcome.feed?.items
                if let all = items {
                    items = Self.newest(all, limit: self.config.settings.maxItemsPerDocument)
                    updated.droppedItems = all.count - (items?.count ?? 0)
                    summary.droppedItems += updated.droppedItems
                }
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
                batch.append((updated, items))
                if batch.count >= Self.batchSize { flush() }
                progress(summary, candidates.count)
            }
            flush()
        }
    }

    /// At most `limit` of a document's items: the newest by their date (published, else
    /// updated), undated ones after the dated, each group in document order; returned in
    /// document order.
    static func newest(_ items: [FeedItem], limit: Int) -> [FeedItem] {
        guard items.count > limit else { return items }
        let ranked = items.indices.sorted { a, b in
            let (da, db) = (items[a].published ?? items[a].updated, items[b].published ?? items[b].updated)
            switch (da, db) {
            case (let x?, let y?) where x != y: return x > y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a < b
            }
        }
        return ranked.prefix(limit).sorted().map { items[$0] }
    }

    /// Logs each time found stored ahead of the clock, and what was done about it.
    private func warn(about repair: ClockRepair) {
        for time in repair.feeds {
            let what =
                time.field == "next_due"
                ? "further ahead than the longest wait any rule sets (\(Int(PollPolicy.longestWait / 3_600)) h): due now"
                : "in the future: reset"
            logger.warning(
                "\(time.field) \(FeedDate.rfc3339(time.stored)) is \(what) (the clock was wrong when it was stored, or is now)",
                metadata: ["feed": "\(time.feedURL)"])
        }
        if repair.items + repair.stories > 0 {
            logger.warning(
                "items and stories first seen or changed in the future moved to now (the clock was wrong when they were stored)",
                metadata: ["items": "\(repair.items)", "stories": "\(repair.stories)"])
        }
        if repair.watermarks > 0 {
            logger.warning(
                "eviction watermarks set in the future moved to now (the clock was wrong when items were evicted)",
                metadata: ["feeds": "\(repair.watermarks)"])
        }
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
            if record.droppedItems > 0 {
                let cap = self.config.settings.maxItemsPerDocument
                logger.warning(
                    "the document has \(items) items: took the newest \(cap), dropped \(record.droppedItems) (max_items_per_document)",
                    metadata: metadata)
            } else {
                logger.debug("fetched", metadata: metadata)
            }
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
