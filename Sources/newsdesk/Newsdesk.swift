import ArgumentParser
import Foundation
import NewsdeskCore

@main
struct Newsdesk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "newsdesk",
        abstract: "A self-hosted news aggregator: polls feeds, finds the stories many sources carry, ranks them.",
        version: NewsdeskVersion.string,
        subcommands: [Parse.self, Bench.self]
    )
}
