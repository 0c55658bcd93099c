import ArgumentParser
import Foundation
import NewsdeskCore

/// `newsdesk run`: the daemon.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run as a daemon: poll feeds as they come due, cluster, score, publish at every period boundary.",
        discussion:
            "SIGTERM or SIGINT stop it (exit 0); SIGHUP reloads the config. Under systemd (Type=notify) it reports readiness and pings the watchdog."
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
            throw ExitCode(3)
        }
        let status = daemon.run()
        if status != 0 { throw ExitCode(status) }
    }
}
