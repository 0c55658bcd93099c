import ArgumentParser
import Foundation
import NewsdeskCore

/// `newsdesk run`: the daemon.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run as a daemon: poll feeds as they come due, cluster, score, publish at every period boundary.",
        discussion:
            "SIGTERM or SIGINT stop it (exit 0); SIGHUP reloads the config. Under systemd (Type=notify) it reports readiness and pings the watchdog. Exits 2 for a bad config, 3 for an unusable database (or one deleted or replaced while it runs), 5 when another newsdesk owns the state."
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let config = try options.load()
        let daemon: Daemon
        do {
            daemon = try Daemon(
                configPath: options.config, config: config, logger: options.logger(), clock: { ConfigOptions.now() },
                checker: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(),
                // A test hook, to see a hanging check killed without waiting the full 30 s.
                checkLimit: ProcessInfo.processInfo.environment["NEWSDESK_CHECK_LIMIT"].flatMap(Int.init) ?? 30)
        } catch {
            Console.error(error.description)
            throw ExitCode(ConfigOptions.status(of: error))
        }
        let status = daemon.run()
        if status != 0 { throw ExitCode(status) }
    }
}
