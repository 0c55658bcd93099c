import Foundation

/// What the daemon loop is asked to do, posted from outside it (the group's graceful shutdown,
/// SIGHUP, the embedding thread): flags the loop takes when it gets to them, and a doorbell that
/// cuts its nap short.
///
/// Thread-safe: the flags are read by the loop's long steps (``stopping``, asked about once a
/// second) on whatever thread they run, and one lock guards them (hence `@unchecked Sendable`).
/// Only the loop naps.
final class DaemonInbox: @unchecked Sendable {
    enum Post { case stop, reload, vectors }

    private let lock = NSLock()
    private var stop = false
    private var reload = false
    private var vectors = false
    private let doorbell: AsyncStream<Void>
    private let ring: AsyncStream<Void>.Continuation

    init() {
        // One ring pending at most: ten posts during a step wake the next nap once.
        (doorbell, ring) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func post(_ post: Post) {
        lock.withLock {
            switch post {
            case .stop: stop = true
            case .reload: reload = true
            case .vectors: vectors = true
            }
        }
        ring.yield()
    }

    /// Whether the daemon is to stop (it stays so).
    var stopping: Bool { lock.withLock { stop } }

    /// Whether a reload was asked for since the last call.
    func takeReload() -> Bool {
        lock.withLock {
            defer { reload = false }
            return reload
        }
    }

    /// Whether vectors arrived since the last call.
    func takeVectors() -> Bool {
        lock.withLock {
            defer { vectors = false }
            return vectors
        }
    }

    /// Sleeps `seconds` on `clock`, or until a post. It may end early, after a post the loop has
    /// already taken (a ring stays pending until a nap hears it): the loop then looks again.
    func nap(seconds: TimeInterval, clock: any DaemonClock) async {
        guard !stopping else { return }
        var iterator = doorbell.makeAsyncIterator()
        await withDiscardingTaskGroup { group in
            group.addTask { [ring] in
                // Cancelled when the doorbell rang first: then it must not ring for the next nap.
                if (try? await clock.sleep(seconds: seconds)) != nil { ring.yield() }
            }
            _ = await iterator.next()
            group.cancelAll()
        }
    }
}
