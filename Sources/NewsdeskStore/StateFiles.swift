import Foundation
import GRDB
import NewsdeskBase

#if canImport(Glibc)
    import Glibc
#endif

/// The state database's files on disk. The database is created by us with mode 0600 (SQLite
/// gives its `-wal` and `-shm` the database's mode), and any looser mode left by an older
/// version is tightened: it holds the config's feed URLs, credentials and all. The file is
/// known by device and inode, so one deleted or replaced under a running process is noticed.
/// And when SQLite cannot use the files, its terse verdict ("disk I/O error", "unable to open
/// database file") is replaced by the cause, found by looking at the folder and the files.
enum StateFiles {
    /// Which file a path named: equal only for the same file.
    struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    /// Creates the folder of the database at `path`, and any missing parents.
    static func makeFolder(of path: String) throws(StoreError) {
        if let (code, folder) = makeFolder(folder(of: path)) {
            throw StoreError(path: path, message: "cannot create its folder: " + FileReading.explain(code, path: folder, doing: "creating"))
        }
    }

    /// Creates an empty database file at `path` if there is none (mode 0600), and takes group
    /// and other permissions off the files if it owns them. Returns whether it created it.
    static func prepare(_ path: String) throws(StoreError) -> Bool {
        var created = false
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 {
            close(fd)
            created = true
        } else if errno != EEXIST {
            throw StoreError(
                path: path, message: "cannot create the state database: " + FileReading.explain(errno, path: path, doing: "creating"))
        }
        for file in [path, path + "-wal", path + "-shm"] {
            var info = stat()
            guard stat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == geteuid() else { continue }
            if info.st_mode & 0o077 != 0 { chmod(file, info.st_mode & 0o700) }
        }
        return created
    }

    /// The file at `path` now, nil if there is none.
    static func identity(of path: String) -> Identity? {
        var info = stat()
        return stat(path, &info) == 0 ? Identity(info) : nil
    }

    /// What went wrong with `path` when SQLite failed with `error`, as a user can act on it
    /// ("the disk holding /var/lib/newsdesk is full", "permission denied opening … (owner root,
    /// mode 0600; newsdesk runs as user nobody)"); SQLite's own message when nothing is found.
    static func explain(_ error: DatabaseError, path: String) -> String {
        let said = error.message ?? "\(error)"
        let suspect: [ResultCode] = [.SQLITE_CANTOPEN, .SQLITE_IOERR, .SQLITE_FULL, .SQLITE_READONLY, .SQLITE_PERM]
        guard suspect.contains(error.resultCode), let cause = cause(path, full: error.resultCode == .SQLITE_FULL) else { return said }
        return "\(cause) (SQLite: \(said))"
    }

    /// The first thing wrong on the way to `path`: its folder missing or not writable (by the
    /// effective user), one of its files not a file or not readable and writable, or the disk full.
    private static func cause(_ path: String, full: Bool) -> String? {
        let folder = folder(of: path)
        var info = stat()
        if stat(folder, &info) != 0 { return FileReading.explain(errno, path: folder, doing: "opening") }
        if faccessat(AT_FDCWD, folder, W_OK | X_OK, AT_EACCESS) != 0 {
            return FileReading.explain(errno, path: folder, doing: "creating files in")
        }
        for file in [path, path + "-wal", path + "-shm"] where stat(file, &info) == 0 {
            if info.st_mode & S_IFMT != S_IFREG {
                return "\(file) is not a database file but \(info.st_mode & S_IFMT == S_IFDIR ? "a folder" : "a special file")"
            }
            if faccessat(AT_FDCWD, file, R_OK | W_OK, AT_EACCESS) != 0 { return FileReading.explain(errno, path: file, doing: "opening") }
        }
        var space = statvfs()
        guard statvfs(folder, &space) == 0 else { return nil }
        // SQLite needs a few pages for a write (journal, WAL index): under 1 MiB free is full.
        let free = UInt64(space.f_bavail) * UInt64(space.f_frsize)
        if full || free < 1 << 20 || (space.f_files > 0 && space.f_favail == 0) {
            return FileReading.explain(ENOSPC, path: folder, doing: "writing")
        }
        return nil
    }

    static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// Makes `folder` and any missing parents; on failure the errno and the folder it hit.
    private static func makeFolder(_ folder: String) -> (Int32, String)? {
        var info = stat()
        if stat(folder, &info) == 0 { return info.st_mode & S_IFMT == S_IFDIR ? nil : (ENOTDIR, folder) }
        let parent = (folder as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != folder, let failure = makeFolder(parent) { return failure }
        return mkdir(folder, 0o777) == 0 || errno == EEXIST ? nil : (errno, folder)
    }
}
