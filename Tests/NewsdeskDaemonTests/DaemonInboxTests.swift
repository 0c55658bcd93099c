import Testing

@testable import NewsdeskDaemon

/// What wakes the daemon loop, on a clock the test moves.
@Suite struct DaemonInboxTests {
    /// The loop's nap ends on a post, with the clock standing still; otherwise when its time is up.
    @Test func aPostEndsTheNapAndOtherwiseTheClockDoes() async {
        let clock = SteppedClock()
        let inbox = DaemonInbox()
        var naps = clock.naps.makeAsyncIterator()
        async let first: Void = inbox.nap(seconds: 15, clock: clock)
        #expect(await naps.next() == 15)
        inbox.post(.reload)
        await first
        #expect(clock.elapsed == 0)
        async let second: Void = inbox.nap(seconds: 15, clock: clock)
        #expect(await naps.next() == 15)
        clock.advance()
        await second
        #expect(clock.elapsed == 15)
        #expect(inbox.takeReload() && !inbox.takeReload() && !inbox.takeVectors() && !inbox.stopping)
        inbox.post(.stop)
        await inbox.nap(seconds: 15, clock: clock)  // stopping: no nap at all
        #expect(inbox.stopping && clock.elapsed == 15)
    }
}
