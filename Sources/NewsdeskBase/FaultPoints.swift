import Foundation

/// Places where the crash tests stop a process, to prove that nothing is lost or repeated when it
/// dies there. The library only says it reached one; what happens then is up to what the
/// executable installed (`newsdesk` kills itself when `NEWSDESK_FAULT` names the point), and
/// nothing happens when nothing is installed.
public enum FaultPoint: String, Sendable, CaseIterable {
    /// A cycle's feeds are fetched and parsed, and nothing of them is stored yet.
    case beforeStore = "kill-before-store"
    /// An output's temporary file is written and synced, and not renamed over the old one yet.
    case midPublish = "kill-mid-publish"
}

/// What to do at a ``FaultPoint``: injected by the executable or a test.
public protocol FaultPoints: Sendable {
    func reached(_ point: FaultPoint)
}

/// The process's fault points, if any were installed (once, at start).
public enum Faults {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var installed: (any FaultPoints)?

    public static func install(_ points: (any FaultPoints)?) {
        lock.withLock { installed = points }
    }

    /// Tells the installed fault points that `point` is reached.
    package static func reached(_ point: FaultPoint) {
        lock.withLock { installed }?.reached(point)
    }
}
