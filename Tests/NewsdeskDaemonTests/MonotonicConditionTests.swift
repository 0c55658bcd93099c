import Dispatch
import Foundation
import Testing

@testable import NewsdeskDaemon

/// The daemon's waits: a change wakes every waiter, and a wait ends by itself.
@Suite struct MonotonicConditionTests {
    final class Flag: @unchecked Sendable {
        var raised = false
    }

    @Test func aChangeWakesEveryWaiter() {
        let condition = MonotonicCondition()
        let flag = Flag()
        let done = DispatchSemaphore(value: 0)
        for _ in 0..<3 {
            Thread {
                condition.wait(seconds: 600) { flag.raised }
                done.signal()
            }.start()
        }
        condition.change { flag.raised = true }
        // Woken by the change, not by the 600 s running out.
        for _ in 0..<3 { #expect(done.wait(timeout: .now() + 60) == .success) }
    }

    @Test func aWaitWithNothingToWakeItEndsWhenItsTimeIsUp() {
        let condition = MonotonicCondition()
        let done = DispatchSemaphore(value: 0)
        Thread {
            condition.wait(seconds: 0.05) { false }
            done.signal()
        }.start()
        #expect(done.wait(timeout: .now() + 60) == .success)
        // A change with nobody waiting, then a waiter that comes later: a later change wakes it.
        condition.change {}
        let flag = Flag()
        Thread {
            condition.wait(seconds: 600) { flag.raised }
            done.signal()
        }.start()
        condition.change { flag.raised = true }
        #expect(done.wait(timeout: .now() + 60) == .success)
    }

    /// The daemon's case: the embedding thread waits for a poke while the loop waits in short
    /// slices for it to finish. The poke is for the embedding thread; the loop's next slice
    /// must not take its wake-up (it did, with one semaphore shared by all waiters).
    @Test func aWakeUpIsNotTakenByAnotherWaiter() {
        let condition = MonotonicCondition()
        let poked = Flag()
        let done = DispatchSemaphore(value: 0)
        Thread {
            condition.wait(seconds: 600) { poked.raised }
            done.signal()
        }.start()
        let slicing = Flag()
        Thread {
            while !condition.locked({ slicing.raised }) { condition.wait(seconds: 0.01) { false } }
        }.start()
        usleep(100_000)
        condition.change { poked.raised = true }
        for _ in 0..<50 { condition.wait(seconds: 0.01) { false } }
        #expect(done.wait(timeout: .now() + 60) == .success)
        condition.change { slicing.raised = true }
    }
}
