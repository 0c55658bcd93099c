import Foundation

/// A counter shared with a server's handler thread.
public final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count: Int

    public init(_ start: Int = 0) { count = start }

    public var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }

    public func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }

    public func decrement() {
        lock.lock()
        count -= 1
        lock.unlock()
    }
}
