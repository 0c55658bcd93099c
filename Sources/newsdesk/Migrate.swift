import ArgumentParser
import Foundation
import NewsdeskConfig
import NewsdeskStore

/// `newsdesk migrate --to URL`: the config's state copied into another database (SQLite to
/// PostgreSQL), checked, and timed. The daemon is stopped first; `state` then names the copy.
struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the state into another database (an empty PostgreSQL one), check the copy, and say how long it took.",
        discussion:
            "Stop the daemon first (the state is held while it is copied). The copy is one transaction: all of it or nothing. Then set `state` to the new database. Exits 3 when either database fails or the copy differs."
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "The database to copy into: a postgresql:// URL or libpq's key=value words (its password from a file, or PGPASSFILE).")
    var to: String

    func run() throws {
        let config = try options.load()
        let source = try options.openStore(config, exclusive: true)
        do {
            let destination = try StateStore(path: to, exclusive: true)
            let copy = try source.copy(to: destination)
            for (table, count) in copy.rows { print("\(table): \(count) rows") }
            print(
                "copied \(source.path) to \(destination.path) in \(String(format: "%.1f", copy.seconds)) s; counts equal, "
                    + "\(copy.compared) sampled rows equal column by column")
            print("now set state = \"\(StateLocation.display(to))\" in \(options.config)")
        } catch {
            Console.error(error.description)
            throw ExitCode(3)
        }
    }
}
