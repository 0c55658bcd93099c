import Foundation
import TestSupport
import Testing

/// One process owns a state: a second `run` or `once` exits at once (status 5) naming the
/// holder, `status`, `stories` and `check` still work beside it, processes started together
/// never race the migrations, and a database deleted or replaced under the daemon stops it.
@Suite struct StateOwnershipTests {
    /// A daemon on the state of `folder` (see ``PublishCommandTests/folder(_:)``), once it has
    /// polled: it owns the state by then.
    static func daemon(_ folder: String) throws -> RunningBinary {
        let daemon = try RunningBinary(["run", "--config", folder + "/feeds.conf"])
        try #require(daemon.wait(upTo: 30) { daemon.stderr.contains("polled") }, "\(daemon.stderr)")
        return daemon
    }

    static func stop(_ daemon: RunningBinary) throws {
        daemon.signal(SIGTERM)
        try #require(daemon.wait(upTo: 10) { !daemon.process.isRunning })
    }

    @Test func aSecondRunOrOnceExitsAtOnceNamingTheHolder() throws {
        let server = try PublishCommandTests.server()
        defer { server.stop() }
        let folder = try PublishCommandTests.folder(server)
        let config = folder + "/feeds.conf"
        let daemon = try Self.daemon(folder)
        let requests = server.requests.count
        let message =
            "newsdesk: \(folder)/state.sqlite: in use by another newsdesk (pid \(daemon.process.processIdentifier)); stop it first"
        for command in ["run", "once"] {
            // In the background: a second daemon that did start would never end by itself.
            let second = try RunningBinary([command, "--config", config] + (command == "once" ? ["--all"] : []))
            try #require(second.wait(upTo: 30) { !second.process.isRunning }, "\(command) did not exit: \(second.stderr)")
            #expect(second.process.terminationStatus == 5, "\(command): \(second.stderr)")
            #expect(second.stderr.contains(message), "\(command): \(second.stderr)")
        }
        // The same state reached through a symbolic link is still owned.
        let link = folder + "-link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: folder)
        defer { try? FileManager.default.removeItem(atPath: link) }
        let linked = try RunningBinary(["once", "--all", "--config", link + "/feeds.conf"])
        try #require(linked.wait(upTo: 30) { !linked.process.isRunning }, "once did not exit: \(linked.stderr)")
        #expect(linked.process.terminationStatus == 5, "\(linked.stderr)")
        // Nothing was fetched twice.
        #expect(server.requests.count == requests)
        // The commands that only look still work beside the daemon.
        let status = try BinaryRunner.run(["status", "--config", config])
        #expect(status.status == 0 && status.stdout.contains("Outlet 5"), "\(status.stderr)")
        let stories = try BinaryRunner.run(["stories", "--config", config])
        #expect(stories.status == 0 && stories.stdout.contains("Fire"), "\(stories.stderr)")
        #expect(try BinaryRunner.run(["check", "--config", config]).status == 0)
        #expect(daemon.process.isRunning)
        try Self.stop(daemon)
        #expect(daemon.process.terminationStatus == 0)
        // Once it has stopped, the state is free.
        let after = try BinaryRunner.run(["once", "--config", config, "--all"])
        #expect(after.status == 0, "\(after.stderr)")
        #expect(server.requests.count > requests)
    }

    /// Two processes migrating a new database at once would both create the same tables
    /// ("table story already exists"): migrations run under the lock, so of the processes
    /// started together each either finishes or is told who owns the state.
    @Test func oncesStartedTogetherOnANewDatabaseNeverRaceTheMigrations() throws {
        let server = try PublishCommandTests.server()
        defer { server.stop() }
        for _ in 0..<3 {
            let folder = try PublishCommandTests.folder(server)
            let runs = try (0..<4).map { _ in try RunningBinary(["once", "--config", folder + "/feeds.conf", "--all"]) }
            for run in runs { run.process.waitUntilExit() }
            let statuses = runs.map(\.process.terminationStatus)
            #expect(statuses.allSatisfy { $0 == 0 || $0 == 5 }, "\(statuses): \(runs.map(\.stderr))")
            #expect(statuses.contains(0))
            for run in runs {
                #expect(!run.stderr.contains("already exists"), "\(run.stderr)")
                if run.process.terminationStatus == 5 { #expect(run.stderr.contains("in use by another newsdesk (pid "), "\(run.stderr)") }
            }
            let status = try BinaryRunner.run(["status", "--config", folder + "/feeds.conf"])
            #expect(status.status == 0, "\(status.stderr)")
        }
    }

    /// Whatever the daemon wrote after its file was deleted or replaced would be lost: it stops
    /// (status 3, so systemd restarts it), and the next start says what it found.
    @Test(arguments: ["deleted", "replaced"])
    func aDatabaseDeletedOrReplacedUnderTheDaemonStopsIt(what: String) throws {
        let server = try PublishCommandTests.server()
        defer { server.stop() }
        let folder = try PublishCommandTests.folder(server)
        let database = folder + "/state.sqlite"
        let daemon = try Self.daemon(folder)
        if what == "deleted" {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        } else {
            try FileManager.default.copyItem(atPath: database, toPath: database + ".copy")
            #expect(rename(database + ".copy", database) == 0)
        }
        try #require(daemon.wait(upTo: 60) { !daemon.process.isRunning }, "\(daemon.stderr)")
        #expect(daemon.process.terminationStatus == 3)
        let message = what == "deleted" ? "was deleted or moved away" : "was replaced by another file"
        #expect(daemon.stderr.contains("\(database): the state database \(message) while newsdesk was running"), "\(daemon.stderr)")
        let next = try BinaryRunner.run(["once", "--config", folder + "/feeds.conf", "--all"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stderr.contains("no state database was at \(database): created a new one") == (what == "deleted"), "\(next.stderr)")
    }

    /// The database and its companions are the daemon's alone (0600: they hold the config's URLs);
    /// the outputs follow the umask, 0640 in folders of 0750 under the unit's `UMask=0027`.
    @Test func theStateIsForNewsdeskAloneAndTheOutputsFollowTheUmask() throws {
        let server = try PublishCommandTests.server()
        defer { server.stop() }
        let folder = try PublishCommandTests.folder(server)
        let database = folder + "/state.sqlite"
        // A database left world-readable by an older version is tightened too.
        #expect(FileManager.default.createFile(atPath: database, contents: nil, attributes: [.posixPermissions: 0o644]))
        let daemon = try Self.daemon(folder)
        for file in [database, database + "-wal", database + "-shm", database + ".lock"] {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file): \(String(mode ?? -1, radix: 8))")
        }
        try Self.stop(daemon)
        try FileManager.default.removeItem(atPath: folder + "/public")
        let once = try BinaryRunner.run(
            ["once", "--config", folder + "/feeds.conf", "--all"], launcher: ["/bin/sh", "-c", "umask 0027; exec \"$@\"", "sh"])
        #expect(once.status == 0, "\(once.stderr)")
        let modes = [("public", 0o750), ("public/digest", 0o750), ("public/ranked.atom", 0o640), ("public/digest/latest.md", 0o640)]
        for (file, expected) in modes {
            let mode = try FileManager.default.attributesOfItem(atPath: folder + "/" + file)[.posixPermissions] as? Int
            #expect(mode == expected, "\(file): \(String(mode ?? -1, radix: 8))")
        }
        let mode = try FileManager.default.attributesOfItem(atPath: database)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    /// A deleted lock file no longer keeps a second process out: the daemon stops rather than
    /// share the state, and the next start takes the lock again.
    @Test func aLockFileDeletedUnderTheDaemonStopsIt() throws {
        let server = try PublishCommandTests.server()
        defer { server.stop() }
        let folder = try PublishCommandTests.folder(server)
        let daemon = try Self.daemon(folder)
        try FileManager.default.removeItem(atPath: folder + "/state.sqlite.lock")
        try #require(daemon.wait(upTo: 60) { !daemon.process.isRunning }, "\(daemon.stderr)")
        #expect(daemon.process.terminationStatus == 3)
        #expect(daemon.stderr.contains("the state's lock file \(folder)/state.sqlite.lock was deleted or replaced"), "\(daemon.stderr)")
        let next = try BinaryRunner.run(["once", "--config", folder + "/feeds.conf", "--all"])
        #expect(next.status == 0, "\(next.stderr)")
    }
}
