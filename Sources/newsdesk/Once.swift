import ArgumentParser
import Foundation
import NewsdeskDaemon
import NewsdeskParse
import NewsdeskStore
import NewsdeskStories

/// `newsdesk once`: one polling cycle, then exit.
struct Once: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Poll every feed that is due, store what changed, update stories, publish; print a summary.",
        discussion:
            "Exits 0 even when feeds fail (they are listed); non-zero only for a bad config (2), an unusable database (3), outputs that cannot be written (4), or a state owned by another newsdesk (5)."
    )

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Poll every feed now, whatever its schedule (never one that is gone, or inside a server's Retry-After).")
    var all = false

    func run() throws {
        let config = try options.load()
        let store = try options.openStore(config, exclusive: true)
        let progress = ProgressLine.onTerminal()
        defer { progress?.finish() }
        let logger = options.logger(progress: progress)
        var embedded: EmbedReport?
        var hooks = Cycle.Hooks()
        hooks.progress = { stage in progress?.show(Self.describe(stage, output: config.settings.output)) }
        if let settings = config.embeddings {
            hooks.vectors = { _ throws(StoreError) in
                // The window's new items get their vectors first, for at most two minutes:
                // whatever is left is folded lexically now and by meaning at a later run.
                let now = ConfigOptions.now()
                progress?.show("embedding the window's new items at \(settings.url)")
                try store.dropEmbeddings(otherThan: settings.model)
                let report = try Embedder(settings: settings).embedPending(
                    store: store, since: now.addingTimeInterval(-config.settings.clusterWindow.timeInterval),
                    deadline: Date().addingTimeInterval(Self.embeddingBudget))
                if let error = report.error { logger.warning("embeddings unavailable, folding lexically meanwhile: \(error)") }
                embedded = report
            }
        }
        let cycle: Cycle.Report
        do {
            cycle = try Cycle(config: config, store: store, logger: logger, clock: { ConfigOptions.now() }).run(all: all, hooks: hooks)
        } catch {
            Console.error(error.description)
            throw ExitCode(3)
        }
        guard cycle.publisher else {
            // Another daemon on this (shared) state folds and publishes.
            progress?.finish()
            print(Self.render(cycle.summary, feeds: config.feeds.count))
            print("folding and publishing left to the publishing daemon of this state")
            if let error = cycle.metricsError {
                Console.error(error)
                throw ExitCode(4)
            }
            return
        }
        guard let published = cycle.published, cycle.metricsError == nil else {
            Console.error("publishing failed: \(cycle.publishError ?? cycle.metricsError ?? "")")
            throw ExitCode(4)
        }
        let (summary, stories) = (cycle.summary, cycle.stories)
        progress?.finish()
        print(Self.render(summary, feeds: config.feeds.count))
        if let embedded {
            print("embeddings: \(embedded.embedded) items embedded" + (embedded.error.map { "; unavailable: \($0)" } ?? ""))
        }
        if stories.assigned > 0 {
            print("stories: \(stories.assigned) items placed, \(stories.started) new stories, \(stories.merged) merged")
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        logger.info("cycle done", metadata: ["peak_memory_mb": "\(usage.ru_maxrss / 1024)"])
        let periods = published.periods.map { FeedDate.rfc3339($0) }.joined(separator: ", ")
        print(
            "published to \(config.settings.output): \(published.written.count) files written"
                + (periods.isEmpty ? "" : " (period \(periods))"))
    }

    /// The progress line at `stage`: "polling: 12 of 40 feeds done, 1 failed; 85 new items",
    /// "folding items into stories: 500 placed, 2 merged", "publishing to public".
    static func describe(_ stage: Cycle.Stage, output: String) -> String {
        switch stage {
        case .polling(let summary, let due):
            return "polling: \(summary.polled) of \(due) feeds done" + (summary.failed > 0 ? ", \(summary.failed) failed" : "")
                + "; \(summary.newItems) new items"
        case .folding(let update) where update.assigned == 0: return "folding items into stories"
        case .folding(let update): return "folding items into stories: \(update.assigned) placed, \(update.merged) merged"
        case .publishing: return "publishing to \(output)"
        }
    }

    /// How long `once` waits for vectors before folding the rest lexically.
    static let embeddingBudget: TimeInterval = 120

    static func render(_ summary: PollSummary, feeds: Int) -> String {
        var lines = [
            "polled \(summary.polled) of \(feeds) feeds: \(summary.fetched) fetched, \(summary.notModified) not modified, "
                + "\(summary.failed) failed; \(summary.newItems) new items, \(summary.updatedItems) updated"
        ]
        if summary.droppedItems > 0 {
            lines.append("  \(summary.droppedItems) items beyond max_items_per_document not taken (the newest were)")
        }
        if summary.ignoredItems > 0 {
            lines.append("  \(summary.ignoredItems) items evicted by max_items_per_feed came back and were ignored")
        }
        for failure in summary.failures { lines.append("  failed: \(failure.url): \(failure.message)") }
        return lines.joined(separator: "\n")
    }
}
