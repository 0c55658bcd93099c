import ArgumentParser
import Foundation
import NewsdeskBase

@main
struct Newsdesk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "newsdesk",
        abstract: "A self-hosted news aggregator: polls feeds politely and remembers every item.",
        version: NewsdeskVersion.string,
        subcommands: [
            Run.self, Once.self, Status.self, Stories.self, Check.self, Add.self, OPMLCommand.self, Cluster.self, Similarity.self,
            Parse.self, Migrate.self,
            Bench.self,
        ]
    )

    static func main() async {
        Faults.install(KillAtFault(ProcessInfo.processInfo.environment["NEWSDESK_FAULT"]))
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// The crash tests' hook: `NEWSDESK_FAULT=kill-before-store` or `kill-mid-publish` kills the
/// process with SIGKILL at that point (``FaultPoint``), as a power cut would.
struct KillAtFault: FaultPoints {
    let point: FaultPoint

    init?(_ name: String?) {
        guard let point = name.flatMap(FaultPoint.init(rawValue:)) else { return nil }
        self.point = point
    }

    func reached(_ point: FaultPoint) {
        if point == self.point { kill(getpid(), SIGKILL) }
    }
}
