import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for end-to-end tests: answers each request from a table
/// of canned responses by path, one request per connection, on its own thread.
public final class LocalHTTPServer: @unchecked Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: [UInt8]

        public init(status: Int = 200, headers: [String: String] = [:], body: [UInt8] = []) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    public let port: UInt16
    private let descriptor: Int32
    private let routes: [String: Response]
    private let lock = NSLock()
    private var stopped = false
    private var requestLog: [String] = []

    /// Starts serving `routes` (path -> response); unknown paths get 404.
    public init(routes: [String: Response]) throws {
        let (fd, port) = try LoopbackListener.listeningSocket()
        descriptor = fd
        self.port = port
        self.routes = routes
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The request heads received so far.
    public var requests: [String] {
        lock.lock()
        defer { lock.unlock() }
        return requestLog
    }

    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func serve() {
        while !isStopped {
            let client = accept(descriptor, nil, nil)
            guard client >= 0 else { if isStopped { return } else { continue } }
            handle(client)
            close(client)
        }
    }

    private func handle(_ client: Int32) {
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !head.ends(with: [13, 10, 13, 10]) && head.count < 65_536 {
            let n = read(client, &buffer, buffer.count)
            guard n > 0 else { return }
            head += buffer[..<n]
            if let range = head.firstRange(of: [13, 10, 13, 10]) {
                head = Array(head[..<range.upperBound])
                break
            }
        }
        let text = String(decoding: head, as: UTF8.self)
        lock.lock()
        requestLog.append(text)
        lock.unlock()
        let path = text.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
        let response = routes[path] ?? Response(status: 404, body: Array("not found".utf8))
        var out = "HTTP/1.1 \(response.status) Status\r\nContent-Length: \(response.body.count)\r\nConnection: close\r\n"
        for (name, value) in response.headers { out += "\(name): \(value)\r\n" }
        out += "\r\n"
        let bytes = Array(out.utf8) + response.body
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            guard n > 0 else { return }
            sent += n
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
