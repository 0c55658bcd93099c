import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP socket listening on 127.0.0.1 that never answers: tests use it to prove that nothing
/// connected to it.
public final class LoopbackListener {
    let descriptor: Int32
    public let port: UInt16

    public init() throws {
        let (fd, port) = try Self.listeningSocket()
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        descriptor = fd
        self.port = port
    }

    /// A TCP socket bound to 127.0.0.1 (or ::1) on a free port and listening, with that port.
    public static func listeningSocket(ipv6: Bool = false) throws -> (Int32, UInt16) {
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        guard ipv6 else { return try bound(fd, to: loopbackIPv4()) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        return try bound(fd, to: address)
    }

    private static func loopbackIPv4() -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// `fd` bound to `address` (port 0: any free one) and listening, with the port it got.
    private static func bound<Address>(_ fd: Int32, to address: Address) throws -> (Int32, UInt16) {
        var address = address
        let size = socklen_t(MemoryLayout<Address>.size)
        let done = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) }
        }
        guard done == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        // sin_port and sin6_port sit at the same offset, just after the family.
        let port = withUnsafeBytes(of: &storage) { UInt16($0[2]) << 8 | UInt16($0[3]) }
        return (fd, port)
    }

    /// How many connections are waiting to be accepted (each is accepted and closed).
    public func connectionsWaiting() -> Int {
        var count = 0
        while case let client = accept(descriptor, nil, nil), client >= 0 {
            close(client)
            count += 1
        }
        return count
    }

    deinit { close(descriptor) }
}
