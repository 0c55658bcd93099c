import Foundation

/// A real PostgreSQL server for the tests, one per test process, each test in a database of its
/// own (``database()``). CI starts one and names it in `NEWSDESK_TEST_POSTGRES` (a URL without
/// a database: `postgresql://newsdesk@127.0.0.1:PORT`); without it, a cluster is made in a
/// temporary folder with Debian's `initdb` and served on a free loopback port (as the
/// `postgres` user when the tests run as root, which PostgreSQL refuses to run as), until the
/// test process ends. With neither, ``shared`` holds the reason, and every test that needs the
/// server fails with it. A test that stops and starts its server makes one of its own
/// (``ownCluster()``).
public final class PostgresServer: Sendable {
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// `postgresql://user@127.0.0.1:PORT`, to which a database name is added.
    public let base: String
    /// The cluster started here, nil for CI's.
    private let cluster: Cluster?

    /// A cluster in a temporary folder, and its guarding shell: it stops the server and removes
    /// the folder when the tests end (its stdin, kept open by this process, closes), and stops
    /// or starts it when told so on that stdin.
    private struct Cluster {
        /// The folder of PostgreSQL's programs.
        var bin: String
        var folder: String
        var port: UInt16
        var guardian: Process
        var lifeline: Pipe
    }

    public static let shared = Result<PostgresServer, any Error> {
        if let url = ProcessInfo.processInfo.environment["NEWSDESK_TEST_POSTGRES"], !url.isEmpty {
            return PostgresServer(base: url.hasSuffix("/") ? String(url.dropLast()) : url)
        }
        return try PostgresServer(cluster: ())
    }

    /// A server of the caller's own, whatever `NEWSDESK_TEST_POSTGRES` says: one it may stop
    /// and start again.
    public static func ownCluster() throws -> PostgresServer { try PostgresServer(cluster: ()) }

    private init(base: String) {
        self.base = base
        cluster = nil
    }

    private init(cluster _: Void) throws {
        guard let bin = Self.binaries() else {
            throw StartError(
                description: "PostgreSQL is not installed (apt-get install postgresql) and NEWSDESK_TEST_POSTGRES names no server")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let (probe, port) = try LoopbackListener.listeningSocket()
        close(probe)
        // PostgreSQL refuses to run as root: then it runs as `postgres`, which owns the folder.
        var asUser = ""
        if getuid() == 0 {
            asUser = "setpriv --reuid=postgres --regid=postgres --init-groups "
            guard chown(folder, Self.postgresUser() ?? 0, Self.postgresGroup() ?? 0) == 0 else {
                throw StartError(description: "cannot give \(folder) to the postgres user")
            }
        }
        let control = "\(asUser)\"\(bin)/pg_ctl\" -D \"\(folder)/data\""
        let start =
            "\(control) -l \"\(folder)/server.log\" -w -o \"-p \(port) -k \(folder) -c listen_addresses=127.0.0.1 -c fsync=off "
            + "-c max_connections=200\" start >>\"\(folder)/ctl.log\" 2>&1"
        // The server's programs are this shell's children, so that none holds a descriptor of
        // a process Foundation waits for (its exit would go unseen): `stop` and `start` are
        // lines sent to it.
        let script = """
            set -e
            \(asUser)"\(bin)/initdb" -D "\(folder)/data" -A trust -U newsdesk --no-sync >"\(folder)/initdb.log" 2>&1
            \(start)
            set +e
            while read -r command; do
                case "$command" in
                    stop) \(control) -m immediate -w stop >>"\(folder)/ctl.log" 2>&1 ;;
                    start) \(start) ;;
                esac
            done
            \(control) -m fast -w stop >/dev/null 2>&1
            rm -rf "\(folder)"
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        let pipe = Pipe()
        process.standardInput = pipe
        try process.run()
        cluster = Cluster(bin: bin, folder: folder, port: port, guardian: process, lifeline: pipe)
        base = "postgresql://newsdesk@127.0.0.1:\(port)"
        try waitUntil(ready: true, seconds: 60)
    }

    /// Waits until the server answers (`ready`) or no longer does.
    private func waitUntil(ready: Bool, seconds: TimeInterval) throws {
        guard let cluster else { return }
        let deadline = Date().addingTimeInterval(seconds)
        while Self.ready(bin: cluster.bin, port: cluster.port) != ready {
            guard Date() < deadline, cluster.guardian.isRunning else {
                let log = ["initdb.log", "server.log", "ctl.log"].compactMap {
                    try? String(contentsOfFile: cluster.folder + "/" + $0, encoding: .utf8)
                }
                throw StartError(
                    description: "PostgreSQL did not \(ready ? "start" : "stop"): " + log.joined(separator: "\n").suffix(2000))
            }
            usleep(100_000)
        }
    }

    /// Stops the server at once, as a crash or a pulled cable would (`pg_ctl -m immediate`).
    public func stop() throws {
        try tell("stop")
        try waitUntil(ready: false, seconds: 30)
    }

    /// Starts the server stopped by ``stop()`` again, on the same port; returns when it answers.
    public func start() throws {
        try tell("start")
        try waitUntil(ready: true, seconds: 60)
    }

    private func tell(_ command: String) throws {
        guard let cluster else { throw StartError(description: "this server is not the tests' own: it cannot be stopped or started") }
        cluster.lifeline.fileHandleForWriting.write(Data((command + "\n").utf8))
    }

    /// A new, empty database for one test: its URL.
    public func database() throws -> String {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try Self.psql(base + "/postgres", "CREATE DATABASE \(name)")
        return base + "/" + name
    }

    /// Runs one SQL command with `psql` on the database at `url`; its output.
    @discardableResult
    public static func psql(_ url: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: (binaries() ?? "/usr/bin") + "/psql")
        process.arguments = [url, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw StartError(description: "psql \(sql): \(text)") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The folder of PostgreSQL's programs: Debian's newest version, else the one on PATH.
    static func binaries() -> String? {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        if let newest = versions.compactMap(Int.init).max() { return "/usr/lib/postgresql/\(newest)/bin" }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").map(String.init).first { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }
    }

    private static func ready(bin: String, port: UInt16) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bin + "/pg_isready")
        process.arguments = ["-q", "-h", "127.0.0.1", "-p", "\(port)"]
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    private static func postgresUser() -> uid_t? { getpwnam("postgres").map { $0.pointee.pw_uid } }
    private static func postgresGroup() -> gid_t? { getpwnam("postgres").map { $0.pointee.pw_gid } }
}
