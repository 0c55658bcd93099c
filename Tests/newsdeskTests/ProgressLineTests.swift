import Foundation
import Testing

/// `once` shows how far it is on a terminal (a pseudo-terminal made by `script`, from
/// util-linux), one line rewritten in place that log lines never run into, and nothing of it
/// on a pipe.
@Suite struct ProgressLineTests {
    static func folder() throws -> String {
        let folder = try BinaryRunner.temporaryFolder()
        var config = "[newsdesk]\nstate = \"state.sqlite\"\noutput = \"public\"\n"
        for name in ["a", "b", "c"] {
            try Data(TinyFeed.rss(["Harbour reopens in \(name)", "Bridge closes in \(name)"], host: "\(name).example").utf8)
                .write(to: URL(fileURLWithPath: "\(folder)/\(name).rss"))
            config += "\n[[feed]]\nurl = \"file:\(name).rss\"\n"
        }
        try Data("<html><body>not a feed</body></html>".utf8).write(to: URL(fileURLWithPath: folder + "/broken.rss"))
        config += "\n[[feed]]\nurl = \"file:broken.rss\"\n"
        try Data(config.utf8).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        return folder
    }

    @Test func onATerminalOneLineIsRewrittenInPlace() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let typescript = folder + "/typescript"
        let command = "\(BinaryRunner.binary.path) once --all --config \(folder)/feeds.conf"
        let run = try BinaryRunner.execute(URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, typescript])
        #expect(run.status == 0, "\(run.stderr)")
        let raw = try String(contentsOfFile: typescript, encoding: .utf8)
        let clear = "\r\u{1B}[K"
        #expect(raw.contains("polling: 1 of 4 feeds done") && raw.contains("polling: 4 of 4 feeds done, 1 failed; 6 new items"))
        #expect(raw.contains(clear + "folding items into stories") && raw.contains(clear + "publishing to "))
        // Every progress line is cleared before anything else is written: take the lines out
        // with what clears them, and neither a trace of them nor an escape is left.
        let cleaned = raw.replacingOccurrences(
            of: "(polling|folding|publishing)[^\r\n]*\r\u{1B}\\[K", with: "", options: .regularExpression)
        #expect(!cleaned.contains("polling:") && !cleaned.contains("folding items") && !cleaned.contains("\u{1B}"), "\(cleaned)")
        // The log lines and the summary are all there, each on a line of its own.
        let lines = cleaned.split(whereSeparator: \.isNewline).map { String($0) }
        #expect(lines.contains { $0.contains(" warning newsdesk: ") && $0.contains("feed=file:broken.rss") })
        #expect(lines.filter { $0.contains("[NewsdeskDaemon] stored items") }.count == 3)
        #expect(lines.contains { $0.hasPrefix("polled 4 of 4 feeds: 3 fetched, 0 not modified, 1 failed; 6 new items") })
    }

    @Test func onAPipeThereIsNoProgressLine() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try BinaryRunner.run(["once", "--all", "--config", folder + "/feeds.conf"])
        #expect(run.status == 0)
        #expect(!run.stderr.contains("polling:") && !run.stderr.contains("\u{1B}") && !run.stderr.contains("\r"))
        #expect(run.stderr.contains("feed=file:broken.rss") && run.stdout.contains("polled 4 of 4 feeds"))
    }
}
