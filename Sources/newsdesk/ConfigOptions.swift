import ArgumentParser
import Foundation
import Logging
import NewsdeskConfig
import NewsdeskParse
import NewsdeskStore

/// The options every command that works on a config shares.
struct ConfigOptions: ParsableArguments {
    @Option(help: "The config file (TOML).")
    var config = "feeds.conf"

    @Option(
        help: "Log level on stderr: trace, debug, info, notice, warning, error, critical.",
        transform: { text in
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                throw ValidationError("unknown log level '\(text)'")
            }
            return level
        })
    var logLevel: Logger.Level = .info

    /// The config, or exit 2 with every problem on stderr.
    func load() throws -> Config {
        do {
            return try ConfigLoader.load(path: config, minimumInterval: Self.minimumInterval)
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
    }

    /// The config read for an edit (a missing file is an empty config), or exit 2 with every
    /// problem on stderr.
    func appender() throws -> ConfigAppender {
        do {
            return try ConfigAppender(path: config)
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
    }

    /// A logger writing one line per event to stderr, clearing `progress` around each.
    func logger(progress: ProgressLine? = nil) -> Logger {
        let level = logLevel
        var logger = Logger(label: "newsdesk") { label -> any LogHandler in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return progress.map { ProgressLogHandler(inner: handler, progress: $0) } ?? handler
        }
        logger.logLevel = level
        return logger
    }

    /// The floor of every poll interval: 5 minutes, or `NEWSDESK_MIN_INTERVAL` seconds for
    /// compressed-time runs such as `scripts/crash-test.py` and `Benchmarks/daemon-soak.py`.
    static var minimumInterval: TimeInterval {
        ProcessInfo.processInfo.environment["NEWSDESK_MIN_INTERVAL"].flatMap(TimeInterval.init) ?? FeedConfig.defaultMinimumInterval
    }

    /// The time: now, or `NEWSDESK_NOW` (RFC 3339) when set, so tests can stand at any hour.
    static func now() -> Date {
        ProcessInfo.processInfo.environment["NEWSDESK_NOW"].flatMap(FeedDate.parse) ?? Date()
    }

    /// The state database, or exit 3 saying why it cannot be used (5 when another process owns
    /// it). `exclusive`: owned by this process until it ends (see `StateStore`).
    func openStore(_ config: Config, exclusive: Bool = false) throws -> StateStore {
        do {
            let store = try StateStore(path: config.settings.state, exclusive: exclusive)
            if store.created { Console.error("no state database was at \(store.path): created a new one") }
            if let problem = store.vacuumProblem { Console.error(problem) }
            return store
        } catch {
            Console.error(error.description)
            throw ExitCode(Self.status(of: error))
        }
    }

    /// The exit status for a state that cannot be opened: 5 when another newsdesk owns it, else 3.
    static func status(of error: StoreError) -> Int32 { error.inUse ? 5 : 3 }
}

/// Messages for people, on stderr.
enum Console {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("newsdesk: \(message)\n".utf8))
    }
}
