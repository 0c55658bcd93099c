import Foundation
import TestSupport
import Testing

/// `newsdesk run` as a process: signals, systemd notifications, publishing on start.
@Suite struct DaemonCommandTests {
    @Test func theDaemonTalksToSystemdAndStopsCleanlyOnSIGTERM() throws {
        let server = try PublishCommandTests.server()
        defer { server.stop() }
        let folder = try PublishCommandTests.folder(server)
        let notify = try NotifySocket()
        let daemon = try RunningBinary(
            ["run", "--config", folder + "/feeds.conf"], environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000"])
        #expect(daemon.wait(upTo: 10) { notify.messages.contains { $0.hasPrefix("STATUS=polled 6 feeds") } })
        #expect(daemon.wait(upTo: 5) { notify.messages.contains("WATCHDOG=1") })
        #expect(notify.messages.first == "READY=1")
        #expect(daemon.wait(upTo: 5) { FileManager.default.fileExists(atPath: folder + "/public/ranked.atom") })
        let stopping = Date()
        daemon.signal(SIGTERM)
        try #require(daemon.wait(upTo: 10) { !daemon.process.isRunning })
        #expect(Date().timeIntervalSince(stopping) < 10)
        #expect(daemon.process.terminationReason == .exit && daemon.process.terminationStatus == 0)
        #expect(notify.messages.last == "STOPPING=1")
        #expect(daemon.stderr.contains("stopped"))
    }

    @Test func aBrokenConfigOnSIGHUPIsLoggedAndTheOldOneStays() throws {
        let server = try PublishCommandTests.server()
        defer { server.stop() }
        let folder = try PublishCommandTests.folder(server)
        let config = folder + "/feeds.conf"
        let good = try String(contentsOfFile: config, encoding: .utf8)
        let daemon = try RunningBinary(["run", "--config", config])
        #expect(daemon.wait(upTo: 10) { daemon.stderr.contains("polled") })
        try Data((good + "\n[[feed]]\nurl = \"gopher://nope\"\n").utf8).write(to: URL(fileURLWithPath: config))
        daemon.signal(SIGHUP)
        #expect(daemon.wait(upTo: 5) { daemon.stderr.contains("config not reloaded: \(config):") })
        #expect(daemon.stderr.contains("feed[7].url: not an http(s) or file: URL: gopher://nope"))
        #expect(daemon.process.isRunning)
        // A half-typed table header (toml++, the TOML library once used, aborted the process on it).
        try Data((good + "\n[\n").utf8).write(to: URL(fileURLWithPath: config))
        daemon.signal(SIGHUP)
        let lines = good.split(separator: "\n", omittingEmptySubsequences: false).count + 1
        #expect(daemon.wait(upTo: 5) { daemon.stderr.contains("config not reloaded: \(config):\(lines):2: a table header must name") })
        #expect(daemon.process.isRunning)
        try Data((good + "\n[[feed]]\nurl = \"\(server.baseURL)/f5?copy\"\n").utf8).write(to: URL(fileURLWithPath: config))
        daemon.signal(SIGHUP)
        #expect(daemon.wait(upTo: 5) { daemon.stderr.contains("config reloaded") && daemon.stderr.contains("feeds=7") })
        daemon.signal(SIGINT)
        // Required: the status of a process still running cannot be read.
        try #require(daemon.wait(upTo: 10) { !daemon.process.isRunning })
        #expect(daemon.process.terminationStatus == 0)
    }

    /// The processes (zombies included) whose parent is `pid`, from /proc.
    static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { candidate in
            guard let stat = try? String(contentsOfFile: "/proc/\(candidate)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            // After "pid (name) ": state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid
        }
    }

    @Test func onStartItPublishesTheLastFinishedHourIfMissed() throws {
        let server = try PublishCommandTests.server()
        defer { server.stop() }
        let folder = try PublishCommandTests.folder(server)
        _ = try PublishCommandTests.once(folder, at: "2026-11-27T05:30:00Z")
        #expect(!FileManager.default.fileExists(atPath: folder + "/public/archive/2026/11/27/05.atom"))
        let daemon = try RunningBinary(["run", "--config", folder + "/feeds.conf"], environment: ["NEWSDESK_NOW": "2026-11-27T06:10:00Z"])
        #expect(daemon.wait(upTo: 10) { FileManager.default.fileExists(atPath: folder + "/public/archive/2026/11/27/05.atom") })
        let archive = try String(contentsOfFile: folder + "/public/archive/2026/11/27/05.atom", encoding: .utf8)
        #expect(archive.contains("Fire breaks out at Port Merrow harbour warehouse"))
        daemon.signal(SIGTERM)
        #expect(daemon.wait(upTo: 10) { !daemon.process.isRunning })
    }
}
