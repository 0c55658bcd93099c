import ArgumentParser
import Foundation
import NewsdeskCore

@main
struct Newsdesk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "newsdesk",
        abstract: "A self-hosted news aggregator, in development: today it reads and measures feeds.",
        version: NewsdeskVersion.string,
        subcommands: [Parse.self, Bench.self]
    )
}
