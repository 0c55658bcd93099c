import Foundation

/// Reads a whole small file (a config, an OPML file, an API key), and when it cannot, says why
/// in words a user can act on: who owns the file and with what mode, and who is asking.
public enum FileReading {
    /// Why a file could not be read.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The file's bytes, or a ``Failure`` such as "permission denied reading /etc/newsdesk/feeds.conf
    /// (owner root, mode 0600; newsdesk runs as user newsdesk)".
    public static func contents(of path: String) throws(Failure) -> Data {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw Failure(description: explain(errno, path: path, doing: "reading")) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            let kind = info.st_mode & S_IFMT == S_IFDIR ? "a folder" : "not a regular file"
            throw Failure(description: "cannot read \(path): it is \(kind)")
        }
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            throw Failure(description: "cannot read \(path): \(error.localizedDescription)")
        }
    }

    /// A sentence for `code` (an errno) met while `doing` something to `path`.
    public static func explain(_ code: Int32, path: String, doing: String) -> String {
        switch code {
        case EACCES, EPERM:
            return "permission denied \(doing) \(path) (\(ownership(of: path)); newsdesk runs as \(currentUser()))"
        case ENOENT:
            return "cannot find \(path) (no such file or folder)"
        case ENOSPC, EDQUOT:
            return "the disk holding \(path) is full"
        case EROFS:
            return "\(path) is on a read-only file system"
        default:
            return "cannot use \(path): \(String(cString: strerror(code)))"
        }
    }

    /// "owner root, mode 0600" for the file, or for the first folder on its way that the
    /// current user cannot enter.
    static func ownership(of path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let parent = (path as NSString).deletingLastPathComponent
            if parent.isEmpty || parent == path { return "cannot see it" }
            return "folder \(parent): " + ownership(of: parent)
        }
        let owner = getpwuid(info.st_uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(info.st_uid)"
        return "owner \(owner), mode " + String(format: "%04o", info.st_mode & 0o7777)
    }

    static func currentUser() -> String {
        let uid = geteuid()
        return getpwuid(uid).map { "user " + String(cString: $0.pointee.pw_name) } ?? "uid \(uid)"
    }
}
