import Dispatch
import Foundation

/// A lock with timed waits that a step of the wall clock cannot stretch, for the embedding
/// thread (``EmbeddingWorker``: its pauses, and the cycle's wait for its vectors).
///
/// `NSCondition.wait(until:)` waits for a wall-clock time (`CLOCK_REALTIME`): a clock set back a
/// year by NTP while the thread pauses would turn a minute into a year. Here a wait is measured
/// in seconds that pass (a semaphore's `DispatchTime` counts uptime), whatever the clock says.
final class MonotonicCondition: @unchecked Sendable {
    private let lock = NSLock()
    /// One semaphore per thread inside ``wait(seconds:until:)``: a wake-up is meant for every
    /// waiter, and one semaphore shared would let one waiter take another's.
    private var waiters: [ObjectIdentifier: DispatchSemaphore] = [:]

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
        let woken = waiters.values
        waiters.removeAll()
        lock.unlock()
        for semaphore in woken { semaphore.signal() }
    }

    /// Waits until `done` (asked under the lock after each change) holds, or `seconds` have
    /// passed.
    func wait(seconds: TimeInterval, until done: () -> Bool) {
        let deadline = DispatchTime.now() + max(seconds, 0)
        let semaphore = DispatchSemaphore(value: 0)
        let me = ObjectIdentifier(semaphore)
        while true {
            lock.lock()
            if done() || DispatchTime.now() >= deadline {
                waiters[me] = nil
                lock.unlock()
                return
            }
            waiters[me] = semaphore
            lock.unlock()
            _ = semaphore.wait(timeout: deadline)
        }
    }
}

extension DispatchTime {
    /// The seconds that have passed since this time, on the same clock (uptime, not the wall).
    public var elapsed: TimeInterval {
        let now = DispatchTime.now().uptimeNanoseconds
        return now > uptimeNanoseconds ? TimeInterval(now - uptimeNanoseconds) / 1e9 : 0
    }
}
