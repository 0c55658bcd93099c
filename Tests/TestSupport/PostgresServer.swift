import Foundation

/// A real PostgreSQL server for the tests, one per test process, each test in a database of its
/// own (``database()``). CI starts one and names it in `NEWSDESK_TEST_POSTGRES` (a URL without
/// a database: `postgresql://newsdesk@127.0.0.1:PORT`); without it, a cluster is made in a
/// temporary folder with Debian's `initdb` and served on a free loopback port (as the
/// `postgres` user when the tests run as root, which PostgreSQL refuses to run as), until the
/// test process ends. With neither, ``shared`` holds the reason, and every test that needs the
/// server fails with it.
public final class PostgresServer: Sendable {
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// `postgresql://user@127.0.0.1:PORT`, to which a database name is added.
    public let base: String
    /// The guarding shell of a cluster started here: it stops the server when the tests end
    /// (its stdin, kept open by this process, closes).
    private let guardian: Process?
    private let lifeline: Pipe?

    public static let shared = Result<PostgresServer, any Error> { try PostgresServer() }

    private init() throws {
        if let url = ProcessInfo.processInfo.environment["NEWSDESK_TEST_POSTGRES"], !url.isEmpty {
            base = url.hasSuffix("/") ? String(url.dropLast()) : url
            guardian = nil
            lifeline = nil
            return
        }
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
            asUser = "setpriv --reuid=postgres --regid=postgres --init-groups"
            guard chown(folder, Self.postgresUser() ?? 0, Self.postgresGroup() ?? 0) == 0 else {
                throw StartError(description: "cannot give \(folder) to the postgres user")
            }
        }
        let script = """
            set -e
            \(asUser) "\(bin)/initdb" -D "\(folder)/data" -A trust -U newsdesk --no-sync >"\(folder)/initdb.log" 2>&1
            \(asUser) "\(bin)/postgres" -D "\(folder)/data" -p \(port) -k "\(folder)" -c listen_addresses=127.0.0.1 \
                -c fsync=off -c max_connections=200 >"\(folder)/server.log" 2>&1 &
            server=$!
            cat >/dev/null || true
            kill -INT $server 2>/dev/null || true
            wait $server || true
            rm -rf "\(folder)"
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        let pipe = Pipe()
        process.standardInput = pipe
        try process.run()
        guardian = process
        lifeline = pipe
        base = "postgresql://newsdesk@127.0.0.1:\(port)"
        let deadline = Date().addingTimeInterval(60)
        while !Self.ready(bin: bin, port: port) {
            guard Date() < deadline, process.isRunning else {
                let log = [folder + "/initdb.log", folder + "/server.log"].compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
                throw StartError(description: "PostgreSQL did not start: " + log.joined(separator: "\n").suffix(2000))
            }
            usleep(100_000)
        }
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
