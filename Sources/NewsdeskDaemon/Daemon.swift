import Foundation
import Logging
import NewsdeskConfig
import NewsdeskParse
import NewsdeskPublish
import NewsdeskStore
import NewsdeskStories

#if canImport(Glibc)
    import Glibc
#endif

/// `newsdesk run`: one process that polls feeds as they come due, stores, clusters and scores
/// what arrives, and publishes at every boundary of `publish_every` (and refreshes the latest
/// window after each poll). SIGTERM/SIGINT stop it cleanly; SIGHUP reloads the config. Talks to
/// systemd when started by it (READY, WATCHDOG, STATUS, STOPPING).
///
/// It owns its state for its whole life (``StateStore``'s lock), and stops with an error when
/// the database file is deleted or replaced under it, checked at every turn of the loop.
///
/// The watchdog is fed by progress, not by a live thread: the loop stamps a heartbeat between
/// steps, long steps stamp it from their progress callbacks (asked about once a second while
/// feeds are fetched, stories clustered or vectors awaited), and its sleeps are cut into naps
/// shorter than a third of ``hungAfter(watchdogInterval:)``, each ending in a stamp. A timer
/// sends WATCHDOG=1 every half `WatchdogSec`, but only while the stamp is younger than
/// `hungAfter` (three quarters of `WatchdogSec`): a loop stuck anywhere stops the pings, and
/// systemd kills and restarts it about `hungAfter + WatchdogSec` after its last progress, while
/// a long cycle (a thousand feeds, a big clustering) keeps stamping and is never taken for a hang.
///
/// Not `Sendable` as a whole: ``run()`` owns the loop on the calling thread; signals reach it
/// through a lock-protected mailbox.
public final class Daemon {
    private let configPath: String
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let notifier: SystemdNotifier
    private let mailbox = Mailbox()
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

    /// A daemon for the config at `configPath`, already loaded as `config`; a SIGHUP reads the
    /// file again in this process (``TOMLParser`` reports every mistake, it never aborts).
    public init(
        configPath: String, config: Config, logger: Logger, clock: @escaping @Sendable () -> Date = { Date() },
        notifier: SystemdNotifier = SystemdNotifier(), beforeReload: @escaping @Sendable () -> Void = {}
    ) throws(StoreError) {
        self.configPath = configPath
        self.beforeReload = beforeReload
        self.config = config
        self.logger = logger
        self.clock = clock
        self.notifier = notifier
        store = try StateStore(path: config.settings.state, exclusive: true)
    }

    /// How long the loop may go without progress before the watchdog stops being fed: three
    /// quarters of `WatchdogSec` (1.5 times `watchdogInterval`, its half), at least 3 s, as progress comes
    /// about once a second.
    static func hungAfter(watchdogInterval interval: TimeInterval) -> TimeInterval { max(1.5 * interval, 3) }

    /// Signals for the loop, set from signal handlers and the embedding thread, read by the loop;
    /// and the loop's heartbeat, read by the watchdog. Sleeps and the heartbeat count seconds
    /// that pass, not wall-clock time, so a clock set back while the daemon runs can neither
    /// stretch a nap nor make a stale heartbeat look fresh.
    private final class Mailbox: @unchecked Sendable {
        private let condition = MonotonicCondition()
        private var stop = false
        private var reload = false
        private var vectors = false
        private var heartbeat = DispatchTime.now()

        func post(stop: Bool = false, reload: Bool = false, vectors: Bool = false) {
            condition.change {
                self.stop = self.stop || stop
                self.reload = self.reload || reload
                self.vectors = self.vectors || vectors
            }
        }

        var stopRequested: Bool { condition.locked { stop } }

        /// Whether a reload was asked for since the last call.
        func takeReload() -> Bool {
            condition.locked {
                defer { reload = false }
                return reload
            }
        }

        /// Whether vectors arrived since the last call.
        func takeVectors() -> Bool {
            condition.locked {
                defer { vectors = false }
                return vectors
            }
        }

        /// Sleeps `seconds`, or until a stop, a reload or new vectors.
        func sleep(seconds: TimeInterval) {
            condition.wait(seconds: seconds) { stop || reload || vectors }
        }

        func beat() { condition.locked { heartbeat = DispatchTime.now() } }

        /// Seconds since the last beat.
        var sinceBeat: TimeInterval { condition.locked { heartbeat }.elapsed }
    }

    /// Runs until SIGTERM or SIGINT; returns the exit status (0 for a clean stop).
    public func run() -> Int32 {
        let queue = DispatchQueue(label: "newsdesk.signals")
        var sources: [any DispatchSourceSignal] = []
        for (number, stop) in [(SIGTERM, true), (SIGINT, true), (SIGHUP, false)] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            let mailbox = self.mailbox
            source.setEventHandler { mailbox.post(stop: stop, reload: !stop) }
            source.resume()
            sources.append(source)
        }
        var watchdog: (any DispatchSourceTimer)?
        defer {
            watchdog?.cancel()
            for source in sources { source.cancel() }
        }

        logger.info(
            "started", metadata: ["config": "\(configPath)", "feeds": "\(config.feeds.count)", "state": "\(config.settings.state)"])
        if store.created { logger.notice("no state database was at \(store.path): created a new one") }
        if let problem = store.vacuumProblem { logger.warning("\(problem)") }
        // The longest sleep between two stamps of the heartbeat (and checks of the file).
        let nap = min(15, (notifier.watchdogInterval.map { Self.hungAfter(watchdogInterval: $0) } ?? 45) / 3)
        do {
            try store.syncFeeds(config.feeds)
        } catch {
            logger.error("the state database failed: \(error)")
            return 3
        }
        startEmbeddings()
        defer { embeddings?.stop() }
        // On start, publish what a downtime may have missed (the last finished period).
        publish()
        notifier.notify("READY=1")
        // The watchdog starts once the service is ready: no ping before READY=1.
        if let interval = notifier.watchdogInterval {
            let timer = DispatchSource.makeTimerSource(queue: queue)
            let (mailbox, notifier) = (self.mailbox, self.notifier)
            timer.schedule(deadline: .now() + interval, repeating: interval)
            let limit = Self.hungAfter(watchdogInterval: interval)
            timer.setEventHandler {
                if mailbox.sinceBeat < limit { notifier.notify("WATCHDOG=1") }
            }
            timer.resume()
            watchdog = timer
        }
        // Asked at least once a second by long steps: a heartbeat for the watchdog, and the stop.
        let alive = { [mailbox] () -> Bool in
            mailbox.beat()
            return mailbox.stopRequested
        }
        var status = 0 as Int32
        while !mailbox.stopRequested {
            mailbox.beat()
            if mailbox.takeReload() { reload() }
            do {
                try store.checkFile()
                let now = clock()
                let due = try store.nextDue(config.feeds, now: now, horizon: PollPolicy.longestWait) ?? .distantFuture
                if due <= now {
                    // Nothing was fetched although something was due (a clock jump): do not spin.
                    if try cycle(shouldStop: alive).summary.polled == 0 { mailbox.sleep(seconds: 1) }
                    continue
                }
                if mailbox.takeVectors() {
                    // Vectors for items folded lexically meanwhile: fold them in, refresh the ranking.
                    let stories = try StoryDesk(config: config, store: store).update(memory: storyMemory, now: clock(), shouldStop: alive)
                    if stories.refolded + stories.assigned > 0 {
                        logger.info("folded by meaning", metadata: ["items": "\(stories.refolded)", "merged": "\(stories.merged)"])
                        publish()
                    }
                    continue
                }
                let boundary = Publisher(config: config, store: store).periodStart(containing: now)
                    .addingTimeInterval(config.settings.publishEvery.timeInterval)
                let wake = min(due, boundary, now.addingTimeInterval(nap))
                mailbox.sleep(seconds: wake.timeIntervalSince(now))
                if clock() >= boundary { publish() }
            } catch {
                logger.error("the state database failed: \(error)")
                status = 3
                break
            }
        }
        notifier.notify("STOPPING=1")
        logger.info("stopped")
        return status
    }

    /// One cycle (``Cycle``): its new items wait a little for their vectors, and what it did is
    /// logged and told to systemd. Throws only when the database fails.
    private func cycle(shouldStop alive: @escaping () -> Bool) throws(Cycle.Failure) -> Cycle.Report {
        var hooks = Cycle.Hooks()
        hooks.shouldStop = alive
        let (embeddings, mailbox, logger, notifier) = (self.embeddings, self.mailbox, self.logger, self.notifier)
        hooks.vectors = { summary in
            guard let embeddings, summary.newItems > 0 else { return }
            // Items fold best with their vectors: the cycle waits a little for them.
            embeddings.poke()
            embeddings.waitIdle(seconds: Self.vectorWait, shouldStop: alive)
            _ = mailbox.takeVectors()
        }
        hooks.folded = { summary, stories in
            logger.info(
                "polled",
                metadata: [
                    "feeds": "\(summary.polled)", "failed": "\(summary.failed)", "new": "\(summary.newItems)",
                    "stories": "\(stories.started)",
                ])
            notifier.notify("STATUS=polled \(summary.polled) feeds, \(summary.newItems) new items, \(summary.failed) failed")
        }
        let report = try Cycle(config: config, store: store, logger: logger, clock: clock, memory: storyMemory).run(hooks: hooks)
        if let published = report.published { log(published) }
        if let error = report.publishError { logger.error("publishing failed: \(error)") }
        if let error = report.metricsError { logger.error("\(error)") }
        return report
    }

    /// Starts the embedding thread if the config asks for one.
    private func startEmbeddings() {
        embeddings = nil
        guard let settings = config.embeddings else { return }
        let mailbox = self.mailbox
        let worker = EmbeddingWorker(
            embedder: Embedder(settings: settings), store: store, window: config.settings.clusterWindow.timeInterval, logger: logger,
            clock: clock, arrived: { mailbox.post(vectors: true) })
        worker.start()
        embeddings = worker
        logger.info("embeddings", metadata: ["url": "\(settings.url)", "model": "\(settings.model)"])
    }

    /// Publishes now; a failure is logged and retried at the next occasion.
    private func publish() {
        do {
            log(try Publisher(config: config, store: store).publish(now: clock()))
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
