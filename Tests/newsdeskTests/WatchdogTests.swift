import Foundation
import TestSupport
import Testing

/// The daemon feeds systemd's watchdog only while its loop makes progress: pings stop while the
/// loop is stuck and come back when it moves again, and a long cycle keeps them coming.
/// `WATCHDOG_USEC` is 2 s here: pings every second, a loop without progress for 3 s is hung.
@Suite struct WatchdogTests {
    static func pings(_ notify: NotifySocket) -> Int { notify.messages.filter { $0 == "WATCHDOG=1" }.count }

    /// The loop is made to stall in a reload for 20 s (`NEWSDESK_FAULT=stall-reload`, a test
    /// hook of `newsdesk run`): a stuck loop, seen from outside, for as long as the stall lasts.
    @Test func pingsStopWhileTheLoopIsStuckAndComeBackAfter() throws {
        let server = try PublishCommandTests.server()
        defer { server.stop() }
        let folder = try PublishCommandTests.folder(server)
        let config = folder + "/feeds.conf"
        let notify = try NotifySocket()
        let daemon = try RunningBinary(
            ["run", "--config", config],
            environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "2000000", "NEWSDESK_FAULT": "stall-reload"])
        try #require(daemon.wait(upTo: 30) { daemon.stderr.contains("polled") }, "\(daemon.stderr)")
        #expect(daemon.wait(upTo: 10) { Self.pings(notify) >= 2 })
        daemon.signal(SIGHUP)
        try #require(daemon.wait(upTo: 15) { daemon.stderr.contains("holding the reload for 20 s") })
        // Past the 3 s without progress, while the reload is still held: no ping for 5 s.
        Thread.sleep(forTimeInterval: 5)
        let stuck = Self.pings(notify)
        Thread.sleep(forTimeInterval: 5)
        try #require(!daemon.stderr.contains("config reloaded"), "the loop moved on too early to tell")
        #expect(Self.pings(notify) == stuck)
        #expect(daemon.wait(upTo: 30) { daemon.stderr.contains("config reloaded") })
        #expect(daemon.wait(upTo: 10) { Self.pings(notify) > stuck })
        daemon.signal(SIGTERM)
        try #require(daemon.wait(upTo: 10) { !daemon.process.isRunning })
        #expect(daemon.process.terminationStatus == 0)
    }

    /// A cycle of 12 s (a feed that answers late), four times the limit without progress:
    /// the transfers report progress, so the pings go on all through it.
    @Test func pingsGoOnThroughALongCycle() throws {
        let server = try LocalHTTPServer { _ in
            .init(body: Array(TinyFeed.rss(["Harbour reopens after storm"], host: "slow.example").utf8), delay: 12)
        }
        defer { server.stop() }
        let folder = try TinyFeed.folder(feed: server.baseURL + "/slow")
        let notify = try NotifySocket()
        let daemon = try RunningBinary(
            ["run", "--config", folder + "/feeds.conf"], environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "2000000"])
        try #require(
            daemon.wait(upTo: 60) { notify.messages.contains { $0.hasPrefix("STATUS=polled 1 feeds, 1 new") } }, "\(daemon.stderr)")
        let messages = notify.messages
        let polled = messages.firstIndex { $0.hasPrefix("STATUS=polled") } ?? 0
        let during = messages[..<polled].filter { $0 == "WATCHDOG=1" }.count
        // About twelve; a watchdog fed only between steps would have stopped after three.
        #expect(during >= 7, "\(messages)")
        daemon.signal(SIGTERM)
        try #require(daemon.wait(upTo: 10) { !daemon.process.isRunning })
    }
}
