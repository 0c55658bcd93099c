import Foundation
import NewsdeskBase

/// Reads a feed kept in a local file: a `file:` feed of the config or a path given to
/// `newsdesk parse`. The one way a local feed is read, outside libcurl's loop, so a file that
/// never ends or never answers cannot hold up the other feeds: the file is opened without
/// blocking, anything but a regular file is refused (a FIFO, a device, a folder), at most
/// `max_body` bytes are read, and reading gives up after the transfer timeout.
enum LocalFeedFile {
    /// Whether `url` names a local file (`file:`), which this reads instead of libcurl.
    static func isFileURL(_ url: String) -> Bool { url.lowercased().hasPrefix("file:") }

    /// The response for a `file:` URL: status 0, the URL itself, no headers.
    static func fetch(_ url: String, limits: FetchLimits) throws(FetchError) -> FetchResponse {
        guard let path = URL(string: url)?.path, !path.isEmpty else {
            throw FetchError(url: url, message: "not a local file URL")
        }
        return FetchResponse(status: 0, effectiveURL: url, headers: [:], body: try bytes(at: path, url: url, limits: limits))
    }

    /// The bytes of the regular file at `path`; errors are reported for `url`. With
    /// `regularOnly` false (a path a person typed for `newsdesk parse`, such as `/dev/stdin`),
    /// a pipe or a device is read too, under the same cap and time limit.
    static func bytes(at path: String, url: String, limits: FetchLimits, regularOnly: Bool = true) throws(FetchError) -> [UInt8] {
        let deadline = ContinuousClock.now + limits.timeout
        // Looked at before it is opened (opening some devices does something), and again after.
        var info = stat()
        guard stat(path, &info) == 0 else { throw FetchError(url: url, message: FileReading.explain(errno, path: path, doing: "reading")) }
        try check(info, path: path, url: url, regularOnly: regularOnly)
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FetchError(url: url, message: FileReading.explain(errno, path: path, doing: "reading")) }
        defer { close(descriptor) }
        guard fstat(descriptor, &info) == 0 else {
            throw FetchError(url: url, message: FileReading.explain(errno, path: path, doing: "reading"))
        }
        try check(info, path: path, url: url, regularOnly: regularOnly)
        if info.st_size > limits.maxBody { throw tooLarge(Int(info.st_size), url: url, limits: limits) }
        // One byte past the cap is enough to know a file that grew while read is too large.
        let cap = limits.maxBody < Int.max ? limits.maxBody + 1 : Int.max
        var body: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if ContinuousClock.now > deadline {
                throw FetchError(url: url, message: "reading \(path) took longer than the timeout (\(limits.timeout))")
            }
            let count = read(descriptor, &chunk, min(chunk.count, cap - body.count))
            if count < 0, errno == EAGAIN {
                var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&ready, 1, 100)  // a pipe with nothing yet: wait a little, then look at the time
                continue
            }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw FetchError(url: url, message: FileReading.explain(errno, path: path, doing: "reading")) }
            if count == 0 { return body }
            body += chunk[..<count]
            if body.count > limits.maxBody { throw tooLarge(body.count, url: url, limits: limits) }
        }
    }

    /// Refuses anything but a regular file (a folder always).
    private static func check(_ info: stat, path: String, url: String, regularOnly: Bool) throws(FetchError) {
        let type = info.st_mode & S_IFMT
        guard type == S_IFREG || (!regularOnly && type != S_IFDIR) else {
            throw FetchError(url: url, message: "\(path) is not a regular file (\(kind(info.st_mode)))")
        }
    }

    private static func tooLarge(_ size: Int, url: String, limits: FetchLimits) -> FetchError {
        FetchError(url: url, message: "file is \(size) bytes, larger than max_body (\(limits.maxBody) bytes)", tooLarge: true)
    }

    /// What a file that is not a regular one is, in words.
    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFDIR: return "a folder"
        case S_IFSOCK: return "a socket"
        default: return "not a file with contents"
        }
    }
}
