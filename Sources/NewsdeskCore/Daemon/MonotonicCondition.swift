import Dispatch
import Foundation

/// A lock with timed waits that a step of the wall clock cannot stretch.
///
/// `NSCondition.wait(until:)` waits for a wall-clock time (`CLOCK_REALTIME`): a clock set back a
/// year by NTP while the daemon sleeps would turn a 15 s nap into a year. Here a wait is measured
/// in seconds that pass (a semaphore's `DispatchTime` counts uptime), whatever the clock says.
final class MonotonicCondition: @unchecked Sendable {
    private let lock = NSLock()
    private let semaphore = DispatchSemaphore(value: 0)
    /// Threads inside ``wait(seconds:until:)``, each woken by one signal of `broadcast`.
    private var waiting = 0

    /// Runs `body` holding the lock.
    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Changes state under the lock, then wakes every waiter to look at it.
    func change(_ body: () -> Void) {
        lock.lock()
        body()
        let woken = waiting
        waiting = 0
        lock.unlock()
        for _ in 0..<woken { semaphore.signal() }
    }

    /// Waits until `done` (asked under the lock after each change) holds, or `seconds` have
    /// passed. A wake-up meant for an earlier wait only makes this one look again.
    func wait(seconds: TimeInterval, until done: () -> Bool) {
        let deadline = DispatchTime.now() + max(seconds, 0)
        while true {
            lock.lock()
            if done() || DispatchTime.now() >= deadline {
                lock.unlock()
                return
            }
            waiting += 1
            lock.unlock()
            if semaphore.wait(timeout: deadline) == .timedOut {
                lock.lock()
                waiting = max(waiting - 1, 0)
                lock.unlock()
            }
        }
    }
}
