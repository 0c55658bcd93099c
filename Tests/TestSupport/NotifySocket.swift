import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A unix datagram socket playing systemd's notify socket: collects what a service sends.
public final class NotifySocket: @unchecked Sendable {
    public let path: String
    private let descriptor: Int32
    private let lock = NSLock()
    private var received: [String] = []

    public init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("nd-notify-\(UUID().uuidString.prefix(8)).sock").path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in listen() }
        thread.start()
    }

    /// The messages received so far, in order.
    public var messages: [String] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    private func listen() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(descriptor, &buffer, buffer.count, 0)
            if n > 0 {
                lock.lock()
                received.append(String(decoding: buffer[..<n], as: UTF8.self))
                lock.unlock()
            } else if n < 0, errno != EAGAIN, errno != EWOULDBLOCK, errno != EINTR {
                return
            }
        }
    }

    deinit {
        close(descriptor)
        unlink(path)
    }
}
