import Dispatch
import Foundation
import Testing

@testable import NewsdeskCore

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
}
