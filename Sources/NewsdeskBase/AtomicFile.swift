import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes files so that no reader and no crash ever sees half of one: a temporary file in the
/// same folder, fsync, rename over the target, fsync of the folder.
public enum AtomicFile {
    /// Why a file could not be written.
    public struct WriteError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Writes `bytes` to `path` unless it already holds exactly them; returns whether it wrote.
    /// The file gets `mode`, by default what the process's umask leaves of 0666 (as for any file
    /// it creates: 0644 under the usual 022, 0640 under the unit's 0027); folders made on the
    /// way get what it leaves of 0777.
    @discardableResult
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t? = nil) throws(WriteError) -> Bool {
        let mode = mode ?? 0o666 & ~processUmask
        if let current = FileManager.default.contents(atPath: path), current.elementsEqual(bytes) { return false }
        let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw WriteError(path: path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        var template = Array("\(folder)/.\((path as NSString).lastPathComponent).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        guard fd >= 0 else { throw WriteError(path: path, reason: FileReading.explain(errno, path: folder, doing: "writing in")) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var failure: String?
        var written = 0
        while written < bytes.count, failure == nil {
            let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                written += n
            } else if errno != EINTR {
                failure = FileReading.explain(errno, path: folder, doing: "writing in")
            }
        }
        if failure == nil, fchmod(fd, mode) != 0 { failure = "chmod failed: \(String(cString: strerror(errno)))" }
        if failure == nil, fsync(fd) != 0 { failure = FileReading.explain(errno, path: folder, doing: "writing in") }
        close(fd)
        if failure == nil { Faults.reached(.midPublish) }
        if failure == nil, rename(temporary, path) != 0 { failure = "rename failed: \(String(cString: strerror(errno)))" }
        if let failure {
            unlink(temporary)
            throw WriteError(path: path, reason: failure)
        }
        let folderFD = open(folder, O_RDONLY | O_DIRECTORY)
        if folderFD >= 0 {
            fsync(folderFD)
            close(folderFD)
        }
        return true
    }

    /// The process's umask, read from /proc (calling umask(2) to read it would change it for a
    /// moment under every other thread); 022 where it cannot be read.
    static let processUmask: mode_t = {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("Umask:") }
        return line.flatMap { mode_t($0.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces), radix: 8) } ?? 0o022
    }()
}
