import Foundation
import TestSupport
import Testing

/// The real binary with feeds on loopback and local files that are not feeds: private
/// addresses are refused unless a feed (or `[newsdesk]`) allows them, and a local file that
/// never ends holds up nothing.
@Suite struct UntrustedSourceTests {
    /// One config, two loopback feeds: the one that allows private networks is fetched, the
    /// other refused with the address named, and its server never sees a request.
    @Test func onlyAFeedThatAllowsPrivateNetworksReachesLoopback() throws {
        let allowed = try LocalHTTPServer(routes: ["/feed": .init(text: PollCommandTests.feed(2))])
        defer { allowed.stop() }
        let refused = try LocalHTTPServer(routes: ["/feed": .init(text: PollCommandTests.feed(2))])
        defer { refused.stop() }
        let folder = try BinaryRunner.temporaryFolder()
        let config = """
            [newsdesk]
            state = "state.sqlite"
            [[feed]]
            url = "\(allowed.baseURL)/feed"
            allow_private_networks = true
            [[feed]]
            url = "http://localhost:\(refused.port)/feed"
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        let run = try BinaryRunner.run(["once", "--config", folder + "/feeds.conf"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("1 fetched, 0 not modified, 1 failed; 2 new items"))
        let refusal = "(a loopback address): set allow_private_networks = true to fetch from private networks"
        #expect(run.stdout.contains("failed: http://localhost:\(refused.port)/feed: refused to connect to "))
        #expect(run.stdout.contains(refusal) && run.stderr.contains(refusal))
        #expect(allowed.received.count == 1)
        #expect(refused.received.isEmpty)
        let status = try BinaryRunner.run(["status", "--config", folder + "/feeds.conf"])
        #expect(status.stdout.contains(refusal))
    }

    /// A `file:` feed on a FIFO with no writer, and one on /dev/zero, are refused at once:
    /// `once` ends by itself and stores the http feed beside them. (Before, libcurl's file
    /// protocol blocked on the FIFO for good, inside the loop every feed shares.)
    @Test func aFIFOOrADeviceAsAFeedHoldsUpNothing() throws {
        let server = try LocalHTTPServer(routes: ["/feed": .init(text: PollCommandTests.feed(3))])
        defer { server.stop() }
        let folder = try BinaryRunner.temporaryFolder()
        #expect(mkfifo(folder + "/pipe.xml", 0o600) == 0)
        let config = """
            [newsdesk]
            state = "state.sqlite"
            allow_private_networks = true
            [[feed]]
            url = "file:pipe.xml"
            [[feed]]
            url = "file:///dev/zero"
            [[feed]]
            url = "\(server.baseURL)/feed"
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        let once = try RunningBinary(["once", "--config", folder + "/feeds.conf"])
        // Generous: a regression hangs, and is killed here rather than stalling the suite.
        let ended = once.wait(upTo: 60) { !once.process.isRunning }
        if !ended { once.signal(SIGKILL) }
        try #require(ended, "newsdesk once still running after 60 s")
        #expect(once.process.terminationStatus == 0)
        #expect(once.stderr.contains("\(folder)/pipe.xml is not a regular file (a FIFO)"))
        #expect(once.stderr.contains("/dev/zero is not a regular file (a character device)"))
        let status = try BinaryRunner.run(["status", "--json", "--config", folder + "/feeds.conf"])
        let feeds = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
        let http = try #require(feeds.first { ($0["url"] as? String)?.hasPrefix("http") == true })
        #expect(http["state"] as? String == "ok" && http["items"] as? Int == 3)
        #expect(server.received.count == 1)
    }
}
