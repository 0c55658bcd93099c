import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import NewsdeskDaemon

/// systemd's service, on a clock the test moves: what it says and when, without a socket or a
/// sleep.
@Suite struct SystemdServiceTests {
    static let quiet = Logger(label: "t") { _ in SwiftLogNoOpLogHandler() }

    /// `WATCHDOG_USEC` 2 s: a ping every second while the heartbeat is younger than 3 s.
    @Test func theWatchdogIsFedOnlyWhileTheHeartbeatIsFreshAndStoppingComesLast() async throws {
        let clock = SteppedClock()
        let heartbeat = Heartbeat(clock: clock)
        let (sent, send) = AsyncStream.makeStream(of: String.self)
        let service = SystemdService(watchdogInterval: 1, heartbeat: heartbeat, clock: clock) { send.yield($0) }
        let group = ServiceGroup(services: [service], logger: Self.quiet)
        var naps = clock.naps.makeAsyncIterator()
        var messages = sent.makeAsyncIterator()
        try await withThrowingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            service.ready()
            service.ready()  // said once
            service.status("polled 1 feeds, 1 new items, 0 failed")
            #expect(await messages.next() == "READY=1")
            #expect(await messages.next() == "STATUS=polled 1 feeds, 1 new items, 0 failed")
            for _ in 1...2 {  // 1 s, 2 s: fresh
                _ = await naps.next()
                clock.advance()
                #expect(await messages.next() == "WATCHDOG=1")
            }
            for _ in 3...4 {  // 3 s, 4 s: stuck, no ping
                _ = await naps.next()
                clock.advance()
            }
            _ = await naps.next()
            heartbeat.beat()  // progress at 4 s
            clock.advance()
            #expect(await messages.next() == "WATCHDOG=1")  // the ping at 5 s, none between
            _ = await naps.next()
            await group.triggerGracefulShutdown()
            #expect(await messages.next() == "STOPPING=1")
            try await tasks.waitForAll()
        }
        send.finish()
        #expect(await messages.next() == nil)
    }

    @Test func aServiceNeverReadySaysNothingWhenItStops() async throws {
        let clock = SteppedClock()
        let (sent, send) = AsyncStream.makeStream(of: String.self)
        let service = SystemdService(watchdogInterval: 1, heartbeat: Heartbeat(clock: clock), clock: clock) { send.yield($0) }
        let group = ServiceGroup(services: [service], logger: Self.quiet)
        try await withThrowingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        send.finish()
        var messages = sent.makeAsyncIterator()
        #expect(await messages.next() == nil)
    }
}
