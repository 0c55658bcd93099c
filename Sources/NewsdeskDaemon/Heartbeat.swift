import Foundation

/// The daemon loop's progress stamp, read by the watchdog (``SystemdService``): the loop stamps
/// it between steps, long steps from their progress callbacks (about once a second), on
/// whatever thread they run. Its age is counted in ``DaemonClock/elapsed``, so a clock set back
/// cannot make a stale stamp look fresh.
///
/// Thread-safe: one lock guards the stamp (hence `@unchecked Sendable`).
public final class Heartbeat: @unchecked Sendable {
    private let clock: any DaemonClock
    private let lock = NSLock()
    private var last: TimeInterval

    /// A heartbeat stamped now.
    public init(clock: any DaemonClock) {
        self.clock = clock
        last = clock.elapsed
    }

    /// Stamps it: the loop made progress.
    public func beat() {
        let now = clock.elapsed
        lock.withLock { last = now }
    }

    /// Seconds since the last stamp.
    public var age: TimeInterval {
        let stamp = lock.withLock { last }
        return max(clock.elapsed - stamp, 0)
    }
}
