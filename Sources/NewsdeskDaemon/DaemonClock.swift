import Foundation

/// The daemon's one clock: the time of day that due dates and period boundaries are compared
/// with, and the seconds that pass, which its sleeps and its heartbeat's age are measured in.
///
/// The two readings are kept apart on purpose: ``now`` may step (NTP sets it back a year, a test
/// stands at a fixed hour), ``elapsed`` never does, so a step of the wall clock can neither
/// stretch a nap nor make a stale heartbeat look fresh. Tests inject their own.
public protocol DaemonClock: Sendable {
    /// The time of day.
    var now: Date { get }
    /// Seconds since an arbitrary start, counted as they pass (never set back).
    var elapsed: TimeInterval { get }
    /// Sleeps `seconds` of ``elapsed`` (none when negative); throws `CancellationError` when
    /// the task is cancelled.
    func sleep(seconds: TimeInterval) async throws
}

/// The system's clock: `Date()` (or the wall time given) for ``now``, and for ``elapsed`` and
/// sleeps the uptime (`SuspendingClock`, which a suspended machine does not advance, as
/// systemd's watchdog does not).
public struct SystemClock: DaemonClock {
    private let wall: @Sendable () -> Date
    private let start = SuspendingClock.now

    /// A clock whose time of day is `wall`: `newsdesk run` passes `NEWSDESK_NOW` through it.
    public init(wall: @escaping @Sendable () -> Date = { Date() }) {
        self.wall = wall
    }

    public var now: Date { wall() }

    public var elapsed: TimeInterval {
        let (seconds, attoseconds) = start.duration(to: SuspendingClock.now).components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }

    public func sleep(seconds: TimeInterval) async throws {
        try await SuspendingClock().sleep(for: .seconds(max(seconds, 0)))
    }
}
