import Foundation
import Logging
import Testing

@testable import NewsdeskConfig
@testable import NewsdeskDaemon
@testable import NewsdeskStore

/// The one cycle `run` and `once` go through, on `file:` feeds and a real SQLite file.
@Suite struct CycleTests {
    static func world(output: String = "public") throws -> (Config, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-cycle-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let rss = """
            <?xml version="1.0"?><rss version="2.0"><channel><title>A</title>
            <item><title>Harbour reopens after the storm</title><link>https://a.example/1</link></item>
            <item><title>Council approves the ferry budget</title><link>https://a.example/2</link></item>
            </channel></rss>
            """
        try Data(rss.utf8).write(to: URL(fileURLWithPath: folder + "/a.rss"))
        let text = """
            [newsdesk]
            state = "state.sqlite"
            output = "\(output)"
            metrics_file = "newsdesk.prom"

            [[feed]]
            url = "file:a.rss"
            """
        return (try ConfigLoader.parse(text: text, path: folder + "/feeds.conf"), folder)
    }

    static let quiet = Logger(label: "t") { _ in SwiftLogNoOpLogHandler() }

    @Test func aCyclePollsFoldsPublishesAndWritesTheMetricsInOrder() throws {
        let (config, folder) = try Self.world()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try StateStore(path: config.settings.state)
        var stages: [String] = []
        var hooks = Cycle.Hooks()
        hooks.progress = { stage in
            switch stage {
            case .polling(let summary, let due): stages.append("polling \(summary.polled)/\(due)")
            case .folding(let update): stages.append("folding \(update.assigned)")
            case .publishing: stages.append("publishing")
            }
        }
        hooks.vectors = { summary in stages.append("vectors \(summary.newItems)") }
        hooks.folded = { _, stories in stages.append("folded \(stories.started)") }
        let report = try Cycle(config: config, store: store, logger: Self.quiet, clock: { Date() }).run(all: true, hooks: hooks)
        #expect(stages == ["polling 1/1", "polling 1/1", "vectors 2", "folding 0", "folding 2", "folded 2", "publishing"])
        #expect(report.summary.newItems == 2 && report.stories.assigned == 2)
        #expect(report.published?.written.contains("ranked.atom") == true && report.publishError == nil && report.metricsError == nil)
        #expect(FileManager.default.fileExists(atPath: folder + "/newsdesk.prom"))
    }

    /// Outputs that cannot be written end nothing: the items are stored, the metrics written,
    /// and the report says why publishing failed.
    @Test func aCycleWhoseOutputsCannotBeWrittenStillStoresAndReports() throws {
        let (config, folder) = try Self.world(output: "blocked/public")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("a file where a folder should be".utf8).write(to: URL(fileURLWithPath: folder + "/blocked"))
        let store = try StateStore(path: config.settings.state)
        let report = try Cycle(config: config, store: store, logger: Self.quiet, clock: { Date() }).run(all: true)
        #expect(report.published == nil && report.publishError?.contains("blocked") == true, "\(report.publishError ?? "")")
        #expect(report.summary.newItems == 2 && report.stories.assigned == 2 && report.metricsError == nil)
        #expect(FileManager.default.fileExists(atPath: folder + "/newsdesk.prom"))
    }

    /// Stopped after folding: nothing is published.
    @Test func aStoppedCyclePublishesNothing() throws {
        let (config, folder) = try Self.world()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try StateStore(path: config.settings.state)
        var hooks = Cycle.Hooks()
        var folded = false
        hooks.folded = { _, _ in folded = true }
        hooks.shouldStop = { folded }
        let report = try Cycle(config: config, store: store, logger: Self.quiet, clock: { Date() }).run(all: true, hooks: hooks)
        #expect(report.summary.newItems == 2 && report.published == nil && report.publishError == nil)
        #expect(!FileManager.default.fileExists(atPath: folder + "/public/ranked.atom"))
    }
}
