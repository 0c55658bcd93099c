import ArgumentParser
import Foundation
import NewsdeskCore

/// `newsdesk check`: validate a config and list every problem.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a config file; list every problem and exit non-zero if there is one.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        // Stand for a TOML reader that dies on a file, or never finishes, in the tests of the
        // daemon's reload.
        switch ProcessInfo.processInfo.environment["NEWSDESK_FAULT"] {
        case "abort-in-check": abort()
        case "hang-in-check": while true { sleep(3600) }
        default: break
        }
        let config = try options.load()
        let feeds = "\(config.feeds.count) feed\(config.feeds.count == 1 ? "" : "s")"
        print("\(options.config): ok, \(feeds); state \(config.settings.state), output \(config.settings.output)")
    }
}
