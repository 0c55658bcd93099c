import ArgumentParser
import Foundation
import NewsdeskCore

@main
struct Newsdesk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "newsdesk",
        abstract: "A self-hosted news aggregator: polls feeds politely and remembers every item.",
        version: NewsdeskVersion.string,
        subcommands: [
            Run.self, Once.self, Status.self, Stories.self, Check.self, Add.self, OPMLCommand.self, Cluster.self, Similarity.self,
            Parse.self,
            Bench.self,
        ]
    )
}
