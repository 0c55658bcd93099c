import ArgumentParser
import Foundation
import NewsdeskConfig
import NewsdeskPublish
import NewsdeskStore
import NewsdeskStories

/// `newsdesk stories`: the current ranking, with each score explained.
struct Stories: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the ranking of the stories with new coverage in the window, each score explained.",
        discussion: "Items not yet in a story are clustered first (as `once` does after polling).")

    @OptionGroup var options: ConfigOptions

    @Option(help: "Stories with new coverage within this span (default: `window` from the config).")
    var window: String?

    @Option(help: "How many stories (default: `top` from the config).")
    var top: Int?

    @Flag(help: "Print a JSON list, best first.")
    var json = false

    func run() throws {
        let config = try options.load()
        let store = try options.openStore(config)
        var span: TimeInterval?
        if let window {
            guard let duration = ConfigValue.duration(window) else { throw ValidationError("bad duration '\(window)'") }
            span = duration.timeInterval
        }
        let ranked: [RankedStory]
        do {
            let desk = StoryDesk(config: config, store: store)
            // Items not yet in stories are placed only by the state's owner: beside a running
            // daemon (which keeps them placed), the ranking is read as it stands.
            if !StateLocation.isPostgres(config.settings.state), let owner = try? StateLock(database: config.settings.state) {
                _ = try withExtendedLifetime(owner) { () throws(StoreError) in try desk.update() }
            }
            // As it would be published: its texts cleaned and cut, no link that gives a secret away.
            ranked = try desk.ranking(now: Date(), window: span, top: top).map(PublishedText(config.settings).story)
        } catch {
            Console.error(error.description)
            throw ExitCode(3)
        }
        let red = config.settings.redThreshold
        if json {
            try JSONOutput.print(ranked.map { StoryJSON($0, redThreshold: red) })
            return
        }
        guard !ranked.isEmpty else {
            print("no story with new coverage in the window")
            return
        }
        for (index, entry) in ranked.enumerated() {
            let mark = entry.score.total >= red ? "🔴" : "🔵"
            print("\(index + 1). \(mark) \(entry.score.total)/100  \(entry.story.title)")
            print("   \(entry.score.summary)")
            if let first = entry.story.firstReporter, entry.story.sources.count > 1 { print("   first reported by \(first.name)") }
            for source in entry.story.sources { print("   - \(source.name): \(source.link ?? "(no link)")") }
        }
    }
}
