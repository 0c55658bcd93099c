import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// One line at the bottom of a terminal that says how far `once` is ("polling: 12 of 40 feeds,
/// 1 failed"), rewritten in place. A log line written meanwhile clears it first and it is drawn
/// again under that line (``ProgressLogHandler``), so the two never mix. Only on a terminal: on a
/// pipe, in a file or in the journal, there is no line at all, and the log is as it always was.
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    /// The line shown, if any (guarded by `lock`).
    private var shown: String?

    /// A progress line on standard error, or nil when standard error is not a terminal.
    static func onTerminal() -> ProgressLine? { isatty(STDERR_FILENO) == 1 ? ProgressLine() : nil }

    /// Shows `text` in place of the line shown, cut to the terminal's width so that it never
    /// wraps (a wrapped line cannot be rewritten).
    func show(_ text: String) {
        var size = winsize()
        let columns = ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 1 ? Int(size.ws_col) : 80
        let line = text.count < columns ? text : String(text.prefix(columns - 2)) + "…"
        lock.withLock {
            guard line != shown else { return }
            write((shown == nil ? "" : Self.clear) + line)
            shown = line
        }
    }

    /// Writes what `body` writes to standard error on a line of its own, then draws the line again.
    func interrupt(_ body: () -> Void) {
        lock.withLock {
            if shown != nil { write(Self.clear) }
            body()
            if let shown { write(shown) }
        }
    }

    /// Clears the line for good.
    func finish() {
        lock.withLock {
            if shown != nil { write(Self.clear) }
            shown = nil
        }
    }

    /// Back to the start of the line, and erase it (ECMA-48 CR, then EL).
    private static let clear = "\r\u{1B}[K"

    private func write(_ text: String) {
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
            guard n > 0 else { return }
            written += n
        }
    }
}

/// A log handler that writes as `inner` does, and clears the progress line around each event.
struct ProgressLogHandler: LogHandler {
    var inner: StreamLogHandler
    let progress: ProgressLine

    var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }
    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }
    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) { progress.interrupt { inner.log(event: event) } }
}
