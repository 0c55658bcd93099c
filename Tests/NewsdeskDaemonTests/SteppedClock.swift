import Foundation
import NewsdeskDaemon

/// A clock that moves only when the test says: each sleep waits for ``advance()``, which moves
/// ``elapsed`` by that sleep's seconds and ends it. ``naps`` tells each sleep as it starts.
final class SteppedClock: DaemonClock, @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: TimeInterval = 0
    private var sleeper: (seconds: TimeInterval, wake: CheckedContinuation<Void, any Error>)?
    private var cancelled = false
    let naps: AsyncStream<TimeInterval>
    private let napped: AsyncStream<TimeInterval>.Continuation

    init() { (naps, napped) = AsyncStream.makeStream(of: TimeInterval.self) }

    var now: Date { Date(timeIntervalSince1970: 1_800_000_000 + elapsed) }
    var elapsed: TimeInterval { lock.withLock { seconds } }

    func sleep(seconds: TimeInterval) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (wake: CheckedContinuation<Void, any Error>) in
                let cancelled = lock.withLock {
                    defer { self.cancelled = false }
                    if !self.cancelled { sleeper = (seconds, wake) }
                    return self.cancelled
                }
                if cancelled { wake.resume(throwing: CancellationError()) } else { napped.yield(seconds) }
            }
        } onCancel: {
            let sleeper = lock.withLock {
                defer { self.sleeper = nil }
                if self.sleeper == nil { cancelled = true }
                return self.sleeper
            }
            sleeper?.wake.resume(throwing: CancellationError())
        }
    }

    /// Ends the sleep under way (the test waited for it on ``naps``), its seconds gone by.
    func advance() {
        let sleeper = lock.withLock {
            defer { self.sleeper = nil }
            if let sleeper = self.sleeper { seconds += sleeper.seconds }
            return self.sleeper
        }
        sleeper?.wake.resume()
    }
}
