import ArgumentParser
import Foundation
import NewsdeskDaemon

/// `newsdesk run`: the daemon.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run as a daemon: poll feeds as they come due, cluster, score, publish at every period boundary.",
        discussion:
            "SIGTERM or SIGINT stop it (exit 0); SIGHUP reloads the config. Under systemd (Type=notify) it reports readiness and pings the watchdog. Exits 2 for a bad config, 3 for an unusable database (or one deleted or replaced while it runs), 5 when another newsdesk owns the state."
    )

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let config = try options.load()
        let daemon: Daemon
        let logger = options.logger()
        // A test hook: the watchdog tests hold a reload for 20 s, a loop stuck as seen from outside.
        let stall = ProcessInfo.processInfo.environment["NEWSDESK_FAULT"] == "stall-reload"
        // A database server that cannot be reached yet (PostgreSQL starting after us, or down) is
        // waited for, the wait doubling up to a minute; any other failure ends the run.
        var wait: UInt32 = 2
        while true {
            do {
                daemon = try Daemon(
                    configPath: options.config, config: config, logger: logger, clock: SystemClock(wall: { ConfigOptions.now() }),
                    beforeReload: {
                        guard stall else { return }
                        logger.warning("holding the reload for 20 s (NEWSDESK_FAULT=stall-reload)")
                        sleep(20)
                    })
                break
            } catch  where error.unreachable {
                logger.error("\(error); trying again in \(wait) s")
                sleep(wait)
                wait = min(wait * 2, 60)
            } catch {
                Console.error(error.description)
                throw ExitCode(ConfigOptions.status(of: error))
            }
        }
        let status = await daemon.serve()
        if status != 0 { throw ExitCode(status) }
    }
}
