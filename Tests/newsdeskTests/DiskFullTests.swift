import Foundation
import NewsdeskStories
import Testing

/// A full disk says so, in those words, instead of `No space left on device` after a path.
@Suite struct DiskFullTests {
    @Test func aFullOutputDiskIsNamedAndTheExitCodeIsFour() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let titles = (0..<40).map { "Story number \($0) about a harbour, a bridge and a long council meeting in town" }
        try Data(TinyFeed.rss(titles, host: "a.example").utf8).write(to: URL(fileURLWithPath: folder + "/a.rss"))
        let config = "[newsdesk]\nstate = \"state.sqlite\"\noutput = \"public\"\n\n[[feed]]\nurl = \"file:a.rss\"\n"
        try Data(config.utf8).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        // One page of tmpfs: the ranked feed of 25 stories does not fit.
        try FileManager.default.createDirectory(atPath: folder + "/public", withIntermediateDirectories: true)
        try #require(
            Self.tool("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=4k", "tmpfs", folder + "/public"]) == 0, "mounting a tmpfs needs root")
        defer { _ = Self.tool("/usr/bin/umount", [folder + "/public"]) }
        let once = try BinaryRunner.run(
            ["once", "--all", "--config", folder + "/feeds.conf"], environment: ["NEWSDESK_NOW": "2026-11-27T05:30:00Z"])
        #expect(once.status == 4, "\(once.stderr)")
        #expect(once.stderr.contains(": the disk holding \(folder)/public"), "\(once.stderr)")
        #expect(once.stderr.contains(" is full\n"), "\(once.stderr)")
        // Nothing half-written is left behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: folder + "/public")
        #expect(left.allSatisfy { !$0.hasPrefix(".") }, "\(left)")
    }

    /// Runs a system tool and returns its exit status (-1 when it cannot be started).
    static func tool(_ path: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
