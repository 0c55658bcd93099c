import Foundation
import Logging
import NewsdeskConfig
import NewsdeskStore
import NewsdeskStories

/// The daemon's embedding stage, on a thread of its own so that a slow or absent endpoint never
/// holds up polling or publishing: it gives the window's items their vectors, newest first, and
/// calls `arrived` whenever it stored some (the daemon then folds them in and refreshes the
/// latest ranking). A failing endpoint is logged once per new reason, recorded for `status`,
/// and retried after a pause that doubles from 15 s to 10 minutes; a ``poke()`` (new items)
/// retries at once.
///
/// Its state is guarded by one lock (a ``MonotonicCondition``, so that a clock set back cannot
/// stretch its waits), hence `@unchecked Sendable`.
public final class EmbeddingWorker: @unchecked Sendable {
    private let embedder: Embedder
    private let store: StateStore
    private let window: TimeInterval
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let arrived: @Sendable () -> Void
    private let condition = MonotonicCondition()
    private var stopping = false
    private var poked = false
    private var idle = false
    private var running = false
    private let finished = DispatchSemaphore(value: 0)

    public init(
        embedder: Embedder, store: StateStore, window: TimeInterval, logger: Logger, clock: @escaping @Sendable () -> Date = { Date() },
        arrived: @escaping @Sendable () -> Void
    ) {
        self.embedder = embedder
        self.store = store
        self.window = window
        self.logger = logger
        self.clock = clock
        self.arrived = arrived
    }

    /// The endpoint's model, as configured.
    public var settings: EmbeddingSettings { embedder.settings }

    /// Starts the thread; vectors of another model are dropped first (a changed model
    /// re-embeds the window, nothing older).
    public func start() {
        do {
            let dropped = try store.dropEmbeddings(otherThan: embedder.settings.model)
            if dropped > 0 { logger.notice("embedding model changed: the window is embedded again", metadata: ["dropped": "\(dropped)"]) }
        } catch {
            logger.error("embeddings: \(error)")
        }
        running = true
        let thread = Thread { [self] in
            work()
            finished.signal()
        }
        thread.name = "newsdesk.embeddings"
        thread.start()
    }

    /// Asks the thread to end, and waits for it: a request in flight is abandoned (within about
    /// a second), not waited out.
    public func stop() {
        condition.change { stopping = true }
        if running { finished.wait() }
        running = false
    }

    /// New items are stored: work them now.
    public func poke() {
        condition.change {
            poked = true
            idle = false
        }
    }

    /// Waits until every item of the window has a vector, the endpoint fails, `seconds` have
    /// passed, or `shouldStop` (asked at least every quarter second) says so.
    public func waitIdle(seconds: TimeInterval, shouldStop: () -> Bool = { false }) {
        let start = DispatchTime.now()
        while !condition.locked({ idle || stopping }), !shouldStop() {
            let left = seconds - start.elapsed
            guard left > 0 else { return }
            condition.wait(seconds: min(0.25, left)) { idle || stopping }
        }
    }

    private var shouldStop: Bool { condition.locked { stopping } }

    private func work() {
        // The wait after a failure, apart from the idle round's 60 s: the first failure after a
        // success is retried after 15 s, not after double the idle pause.
        var backoff: TimeInterval = 0
        var pause: TimeInterval = 0
        var lastError: String?
        while !shouldStop {
            condition.locked { poked = false }
            var failure: String?
            // A long backlog is announced every 30 s, not after each batch: each announcement
            // costs the daemon a fold and a publish.
            var announced = Date()
            var unannounced = false
            do {
                let report = try embedder.embedPending(
                    store: store, since: clock().addingTimeInterval(-window), now: clock, shouldStop: { [self] in shouldStop },
                    stored: { [self] in
                        unannounced = true
                        guard Date().timeIntervalSince(announced) >= 30 else { return }
                        arrived()
                        (announced, unannounced) = (Date(), false)
                    })
                if unannounced { arrived() }
                if report.stopped { break }
                failure = report.error
            } catch {
                failure = error.description
            }
            if let failure {
                if failure != lastError { logger.warning("embeddings unavailable, folding lexically meanwhile: \(failure)") }
                lastError = failure
                backoff = min(max(backoff * 2, 15), 600)
                pause = backoff
            } else {
                if lastError != nil { logger.notice("embeddings available again", metadata: ["model": "\(embedder.settings.model)"]) }
                lastError = nil
                backoff = 0
                pause = 60
            }
            // Failed or done: either way nobody should wait on this round any longer.
            condition.change { idle = true }
            condition.wait(seconds: pause) { stopping || poked }
        }
    }
}
