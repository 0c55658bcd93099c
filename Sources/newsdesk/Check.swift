import ArgumentParser
import NewsdeskConfig
import Foundation

/// `newsdesk check`: validate a config and list every problem.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a config file; list every problem and exit non-zero if there is one.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let config = try options.load()
        let feeds = "\(config.feeds.count) feed\(config.feeds.count == 1 ? "" : "s")"
        print("\(options.config): ok, \(feeds); state \(StateLocation.display(config.settings.state)), output \(config.settings.output)")
    }
}
