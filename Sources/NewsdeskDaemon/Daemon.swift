import Foundation
import Logging
import NewsdeskConfig
import NewsdeskParse
import NewsdeskPublish
import NewsdeskStore
import NewsdeskStories
import ServiceLifecycle
import UnixSignals

/// `newsdesk run`: one process that polls feeds as they come due, stores, clusters and scores
/// what arrives, and publishes at every boundary of `publish_every` (and refreshes the latest
/// window after each poll). It runs in a `ServiceGroup` (``serve()``) beside ``SystemdService``
/// (READY, WATCHDOG, STATUS, STOPPING): SIGTERM and SIGINT shut the group down gracefully, SIGHUP
/// reloads the config.
///
/// It owns its state for its whole life (``StateStore``'s lock), and stops with an error when
/// the database file is deleted or replaced under it, checked at every turn of the loop. On
/// PostgreSQL, a server that stops answering abandons the cycle (what was stored stays) and the
/// loop tries again, every few seconds, until it answers; another failure of the database ends it.
///
/// One clock (``DaemonClock``) gives the loop the time of day and its sleeps. The loop stamps a
/// ``Heartbeat`` between steps, long steps stamp it from their progress callbacks (asked about
/// once a second while feeds are fetched, stories clustered or vectors awaited), and its sleeps
/// are cut into naps shorter than a third of ``SystemdService/hungAfter(watchdogInterval:)``,
/// each ending in a stamp: the watchdog is fed while the loop moves, wherever it is stuck.
///
/// An actor whose jobs run on a queue of its own (``QueueExecutor``): its steps block, and must
/// not hold up the group's signal handling or the watchdog. A stop (the group's graceful
/// shutdown) is seen by the long steps within about a second: transfers in flight are dropped,
/// what was fetched is stored, and a cycle stopped before publishing does not publish.
public actor Daemon: Service {
    private let configPath: String
    private let logger: Logger
    private let clock: any DaemonClock
    private let heartbeat: Heartbeat
    private let systemd: SystemdService
    private let inbox = DaemonInbox()
    /// The story clusterer, kept between cycles.
    private let storyMemory = StoryMemory()
    private var config: Config
    private var store: StateStore
    /// Called before each reload reads the file: a test hook (the watchdog tests hold the loop there).
    private let beforeReload: @Sendable () -> Void
    /// The embedding stage's thread, when `[embeddings]` is set.
    private var embeddings: EmbeddingWorker?
    /// How long a cycle waits for its new items' vectors before folding the rest lexically.
    static let vectorWait: TimeInterval = 20
    private let executor = QueueExecutor(label: "newsdesk.daemon")

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// A daemon for the config at `configPath`, already loaded as `config`; a SIGHUP reads the
    /// file again in this process (``TOMLParser`` reports every mistake, it never aborts).
    public init(
        configPath: String, config: Config, logger: Logger, clock: any DaemonClock = SystemClock(),
        notifier: SystemdNotifier = SystemdNotifier(), beforeReload: @escaping @Sendable () -> Void = {}
    ) throws(StoreError) {
        self.configPath = configPath
        self.beforeReload = beforeReload
        self.config = config
        self.logger = logger
        self.clock = clock
        heartbeat = Heartbeat(clock: clock)
        systemd = SystemdService(notifier: notifier, heartbeat: heartbeat, clock: clock)
        store = try StateStore(path: config.settings.state, exclusive: true)
    }

    /// The loop ended because the state database failed (exit 3); `ready`: after READY=1.
    struct Failure: Error, CustomStringConvertible {
        var error: any Error
        var ready: Bool
        var description: String { "the state database failed: \(error)" }
    }

    /// Runs the daemon and ``SystemdService`` in a `ServiceGroup` until SIGTERM or SIGINT (a
    /// graceful shutdown: the loop ends, then systemd hears STOPPING=1) or a failing database;
    /// returns the exit status (0 for a clean stop, 3 for the database).
    public nonisolated func serve() async -> Int32 {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: systemd),
                    .init(
                        service: self, successTerminationBehavior: .gracefullyShutdownGroup,
                        failureTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let failure as Failure {
            if failure.ready { logger.info("stopped") }
            return 3
        } catch {
            logger.error("the daemon failed: \(error)")
            return 1
        }
        logger.info("stopped")
        return 0
    }

    /// The loop, with SIGHUP heard beside it; returns once the group shuts it down (or cancels
    /// it), throws ``Failure`` when the database fails.
    public func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { [inbox] in
                for await _ in hangups { inbox.post(.reload) }
            }
            try await withTaskCancellationOrGracefulShutdownHandler {
                try await loop()
            } onCancelOrGracefulShutdown: { [inbox] in
                inbox.post(.stop)
            }
            group.cancelAll()
        }
    }

    private func loop() async throws(Failure) {
        logger.info(
            "started",
            metadata: [
                "config": "\(configPath)", "feeds": "\(config.feeds.count)", "state": "\(StateLocation.display(config.settings.state))",
            ])
        if store.created { logger.notice("no state database was at \(store.path): created a new one") }
        if let problem = store.vacuumProblem { logger.warning("\(problem)") }
        // The longest sleep between two stamps of the heartbeat (and checks of the file).
        let nap = min(15, (systemd.watchdogInterval.map { SystemdService.hungAfter(watchdogInterval: $0) } ?? 45) / 3)
        do {
            try store.syncFeeds(config.feeds)
        } catch {
            logger.error("the state database failed: \(error)")
            throw Failure(error: error, ready: false)
        }
        startEmbeddings()
        defer { embeddings?.stop() }
        // On start, publish what a downtime may have missed (the last finished period).
        publish()
        // The watchdog starts once the service is ready: no ping before READY=1.
        systemd.ready()
        // Asked at least once a second by long steps: a heartbeat for the watchdog, and the stop.
        let alive = { [heartbeat, inbox] () -> Bool in
            heartbeat.beat()
            return inbox.stopping
        }
        // PostgreSQL lost: the wait before the next try, doubled up to `nap` while it lasts.
        var outage: TimeInterval = 0
        while !inbox.stopping {
            heartbeat.beat()
            if inbox.takeReload() { reload() }
            do {
                try store.checkFile()
                let now = clock.now
                let due = try store.nextDue(config.feeds, now: now, horizon: PollPolicy.longestWait) ?? .distantFuture
                outage = 0
                if due <= now {
                    // Nothing was fetched although something was due (a clock jump): do not spin.
                    if try cycle(shouldStop: alive).summary.polled == 0 { await inbox.nap(seconds: 1, clock: clock) }
                    continue
                }
                if inbox.takeVectors() {
                    guard try isPublisher() else { continue }
                    // Vectors for items folded lexically meanwhile: fold them in, refresh the ranking.
                    let stories = try StoryDesk(config: config, store: store).update(memory: storyMemory, now: clock.now, shouldStop: alive)
                    if stories.refolded + stories.assigned > 0 {
                        logger.info("folded by meaning", metadata: ["items": "\(stories.refolded)", "merged": "\(stories.merged)"])
                        publish()
                    }
                    continue
                }
                let boundary = Publisher(config: config, store: store).periodStart(containing: now)
                    .addingTimeInterval(config.settings.publishEvery.timeInterval)
                let wake = min(due, boundary, now.addingTimeInterval(nap))
                await inbox.nap(seconds: wake.timeIntervalSince(now), clock: clock)
                if clock.now >= boundary { publish() }
            } catch {
                guard let lost = (error as? Cycle.Failure)?.error ?? (error as? StoreError), lost.unreachable else {
                    logger.error("the state database failed: \(error)")
                    throw Failure(error: error, ready: true)
                }
                // PostgreSQL is down or out of reach: each write was whole or not at all, so the
                // cycle is abandoned where it stood and the loop goes on when the server answers.
                outage = min(max(outage * 2, 2), nap)
                logger.error("the state database failed: \(lost); cycle abandoned, trying again in \(Int(outage)) s")
                await inbox.nap(seconds: outage, clock: clock)
            }
        }
    }

    /// Whether this daemon folds and publishes: always on SQLite, the elected one on PostgreSQL.
    private func isPublisher() throws(StoreError) -> Bool {
        try store.isPublisher(name: FeedPoller.daemonName, now: clock.now)
    }

    /// One cycle (``Cycle``): its new items wait a little for their vectors, and what it did is
    /// logged and told to systemd. Throws only when the database fails.
    private func cycle(shouldStop alive: @escaping () -> Bool) throws(Cycle.Failure) -> Cycle.Report {
        var hooks = Cycle.Hooks()
        hooks.shouldStop = alive
        let (embeddings, inbox, logger, systemd) = (self.embeddings, self.inbox, self.logger, self.systemd)
        hooks.vectors = { summary in
            guard let embeddings, summary.newItems > 0 else { return }
            // Items fold best with their vectors: the cycle waits a little for them.
            embeddings.poke()
            embeddings.waitIdle(seconds: Self.vectorWait, shouldStop: alive)
            _ = inbox.takeVectors()
        }
        hooks.folded = { summary, stories in
            logger.info(
                "polled",
                metadata: [
                    "feeds": "\(summary.polled)", "failed": "\(summary.failed)", "new": "\(summary.newItems)",
                    "stories": "\(stories.started)",
                ])
            systemd.status("polled \(summary.polled) feeds, \(summary.newItems) new items, \(summary.failed) failed")
        }
        let report = try Cycle(config: config, store: store, logger: logger, clock: { [clock] in clock.now }, memory: storyMemory)
            .run(hooks: hooks)
        if let published = report.published { log(published) }
        if let error = report.publishError { logger.error("publishing failed: \(error)") }
        if let error = report.metricsError { logger.error("\(error)") }
        return report
    }

    /// Starts the embedding thread if the config asks for one.
    private func startEmbeddings() {
        embeddings = nil
        guard let settings = config.embeddings else { return }
        let inbox = self.inbox
        let worker = EmbeddingWorker(
            embedder: Embedder(settings: settings), store: store, window: config.settings.clusterWindow.timeInterval, logger: logger,
            clock: { [clock] in clock.now }, arrived: { inbox.post(.vectors) })
        worker.start()
        embeddings = worker
        logger.info("embeddings", metadata: ["url": "\(settings.url)", "model": "\(settings.model)"])
    }

    /// Publishes now, when this daemon is the publisher; a failure is logged and retried at the
    /// next occasion.
    private func publish() {
        do {
            guard try isPublisher() else { return }
            log(try Publisher(config: config, store: store).publish(now: clock.now))
        } catch {
            logger.error("publishing failed: \(error)")
        }
    }

    private func log(_ report: PublishReport) {
        for period in report.periods { logger.info("published period", metadata: ["start": "\(FeedDate.rfc3339(period))"]) }
        if report.pruned > 0 { logger.info("pruned old archives", metadata: ["files": "\(report.pruned)"]) }
    }

    /// SIGHUP: reads the config again; an invalid one is logged and the old one stays.
    private func reload() {
        beforeReload()
        do {
            let fresh = try ConfigLoader.load(path: configPath, minimumInterval: config.settings.minimumInterval)
            if fresh.settings.state != config.settings.state { store = try StateStore(path: fresh.settings.state, exclusive: true) }
            try store.syncFeeds(fresh.feeds)
            let restart = fresh.embeddings != config.embeddings || fresh.settings.state != config.settings.state
            config = fresh
            if restart {
                embeddings?.stop()
                startEmbeddings()
            }
            logger.notice("config reloaded", metadata: ["feeds": "\(fresh.feeds.count)"])
        } catch let error as ConfigError {
            for problem in error.problems { logger.error("config not reloaded: \(problem)") }
        } catch {
            logger.error("config not reloaded: \(error)")
        }
    }
}
