import Dispatch

/// Runs an actor's jobs, one at a time, on a dispatch queue of its own rather than on Swift's
/// cooperative pool.
///
/// The daemon's steps block (SQLite, libcurl's loop, clustering, a test's held reload): on the
/// pool they would take one of its few threads (one on a one-core machine) away from the signal
/// handling and the watchdog, which must go on while a step is stuck. A serial queue's thread is
/// the queue's own.
final class QueueExecutor: SerialExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }
}
