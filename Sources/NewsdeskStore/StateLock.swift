import Foundation
import NewsdeskBase

#if canImport(Glibc)
    import Glibc
#endif

/// The one process that may own a state: an exclusive, non-blocking `flock` on `<database>.lock`
/// beside the database, held for the life of this value. The kernel drops it when the process
/// ends, however it ends, so a lock file left behind means nothing and is simply locked again.
/// The holder writes its pid into the file once it has the lock, for the message a second
/// process prints.
///
/// The file is never deleted: were it unlinked while held, a third process could lock a new file
/// of the same name beside the holder.
///
/// Thread-safe: immutable once taken.
public final class StateLock: Sendable {
    /// The lock file.
    public let path: String
    private let descriptor: Int32

    /// Takes the lock of the state at `database`, or fails within half a second: with
    /// ``StoreError/inUse`` set and the holder's pid named ("in use by another newsdesk
    /// (pid 1234); `advice`"), or saying why the lock file cannot be opened or written.
    ///
    /// The lock file is named after the database's real path, so a state reached through a
    /// symbolic link (of the file or of a folder on its way) is still one state.
    public init(database: String, advice: String = "stop it first") throws(StoreError) {
        path = Self.realPath(database) + ".lock"
        var taken: Int32?
        // Locked, then checked to be the file at `path` still: a file unlinked between the
        // open and the lock is no lock at all (its successor is the one others take).
        for _ in 0..<5 where taken == nil {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else { throw Self.failure(database, errno, path: path, doing: "opening") }
            guard Self.lock(fd) else {
                let code = errno
                defer { close(fd) }
                guard code == EWOULDBLOCK else { throw Self.failure(database, code, path: path, doing: "locking") }
                let holder = Self.holder(fd).map { "pid \($0)" } ?? "pid not written yet"
                throw StoreError(path: database, message: "in use by another newsdesk (\(holder)); \(advice)", inUse: true)
            }
            if Self.identity(of: fd) == StateFiles.identity(of: path) { taken = fd } else { close(fd) }
        }
        guard let fd = taken else {
            throw StoreError(path: database, message: "cannot take the state's lock: \(path) keeps being replaced")
        }
        let pid = Array("\(getpid())\n".utf8)
        let written = ftruncate(fd, 0) == 0 ? pwrite(fd, pid, pid.count, 0) : -1
        guard written == pid.count else {
            let code = written < 0 ? errno : ENOSPC
            close(fd)
            throw Self.failure(database, code, path: path, doing: "writing")
        }
        fchmod(fd, 0o600)  // a lock file left by an older version may be looser
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Takes the lock on `fd`, trying again for up to half a second: a lock just released can
    /// still be held a moment by a child process this one forked meanwhile (its copy of the
    /// descriptor lives until its exec), and a moment's holder is not "another newsdesk".
    /// False with errno set when it stays held, or the lock fails otherwise.
    private static func lock(_ fd: Int32) -> Bool {
        for attempt in 0..<10 {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return true }
            guard errno == EWOULDBLOCK, attempt < 9 else { return false }
            usleep(50_000)
        }
        return false
    }

    /// Whether the file locked is still the one at ``path``. Deleted or replaced, it no longer
    /// keeps a second process out: the daemon stops (``StateStore/checkFile()``).
    public var isInPlace: Bool { Self.identity(of: descriptor) == StateFiles.identity(of: path) }

    private static func identity(of descriptor: Int32) -> StateFiles.Identity? {
        var info = stat()
        return fstat(descriptor, &info) == 0 ? StateFiles.Identity(info) : nil
    }

    /// `database` with every symbolic link on its way resolved (its folder's, when the file
    /// does not exist yet); as given when neither can be resolved.
    private static func realPath(_ database: String) -> String {
        if let resolved = realpath(database, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        let folder = (database as NSString).deletingLastPathComponent
        guard let resolved = realpath(folder.isEmpty ? "." : folder, nil) else { return database }
        defer { free(resolved) }
        return (String(cString: resolved) as NSString).appendingPathComponent((database as NSString).lastPathComponent)
    }

    /// The pid in a lock file held by another process. It writes it just after locking, so an
    /// empty file is read again for a moment before giving up.
    private static func holder(_ fd: Int32) -> Int32? {
        for _ in 0..<25 {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(fd, &buffer, buffer.count, 0)
            if count > 0, let pid = Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return pid
            }
            usleep(20_000)
        }
        return nil
    }

    private static func failure(_ database: String, _ code: Int32, path: String, doing: String) -> StoreError {
        // A full disk is named by its folder: "the disk holding /var/lib/newsdesk is full".
        let named = code == ENOSPC || code == EDQUOT ? StateFiles.folder(of: path) : path
        return StoreError(path: database, message: "cannot take the state's lock: " + FileReading.explain(code, path: named, doing: doing))
    }
}
