import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP/1.1 server on 127.0.0.1 (or ::1) for end-to-end tests: each connection is served
/// on its own thread by a handler (or a table of canned responses by path), one request per
/// connection unless it keeps connections alive.
public final class LocalHTTPServer: @unchecked Sendable {
    /// A request as received: method, target (path and query), headers (names lower-cased) and
    /// the body (read by its Content-Length; empty without one).
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var head: String
        public var body: [UInt8] = []

        /// The body as UTF-8 text.
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: [UInt8]
        /// Wait this long before answering (for timeouts).
        public var delay: Double
        /// Send the body one byte at a time, this many seconds apart (a slow drip).
        public var drip: Double = 0
        /// Send only this many bytes of the body, then close the connection (a reset mid-body).
        public var cutAfter: Int?

        public init(status: Int = 200, headers: [String: String] = [:], body: [UInt8] = [], delay: Double = 0) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
        }

        public init(status: Int = 200, headers: [String: String] = [:], text: String) {
            self.init(status: status, headers: headers, body: Array(text.utf8))
        }
    }

    public typealias Handler = @Sendable (Request) -> Response

    public let port: UInt16
    /// Whether it listens on ::1 rather than 127.0.0.1.
    public let ipv6: Bool
    /// Whether a connection stays open for further requests after an answer.
    private let keepAlive: Bool
    private let descriptor: Int32
    private let handler: Handler
    private let lock = NSLock()
    private var stopped = false
    private var requestLog: [Request] = []
    private var active = 0
    private var mostActive = 0

    /// Starts serving `handler`'s answers.
    public init(ipv6: Bool = false, keepAlive: Bool = false, handler: @escaping Handler) throws {
        let (fd, port) = try LoopbackListener.listeningSocket(ipv6: ipv6)
        descriptor = fd
        self.port = port
        self.ipv6 = ipv6
        self.keepAlive = keepAlive
        self.handler = handler
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    /// Starts serving `routes` (path -> response); unknown paths get 404.
    public convenience init(routes: [String: Response], ipv6: Bool = false, keepAlive: Bool = false) throws {
        try self.init(ipv6: ipv6, keepAlive: keepAlive) { request in routes[request.path] ?? Response(status: 404, text: "not found") }
    }

    public var baseURL: String { ipv6 ? "http://[::1]:\(port)" : "http://127.0.0.1:\(port)" }

    /// The request heads received so far, in order of arrival.
    public var requests: [String] { received.map(\.head) }

    /// The requests received so far, in order of arrival.
    public var received: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return requestLog
    }

    /// The most requests that were being answered at the same time (from the request read to
    /// the start of its answer).
    public var peakConcurrency: Int {
        lock.lock()
        defer { lock.unlock() }
        return mostActive
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
            guard client >= 0 else {
                guard !isStopped else { return }
                continue
            }
            let thread = Thread { [self] in
                while handle(client), keepAlive {}
                close(client)
            }
            thread.start()
        }
    }

    /// Answers one request on `client`; false when the connection ended before an answer.
    private func handle(_ client: Int32) -> Bool {
        var head: [UInt8] = []
        var rest: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while head.count < 65_536 {
            let n = read(client, &buffer, buffer.count)
            guard n > 0 else { return false }
            head += buffer[..<n]
            if let range = head.firstRange(of: [13, 10, 13, 10]) {
                // Bytes read past the head are the start of the body.
                rest = Array(head[range.upperBound...])
                head = Array(head[..<range.upperBound])
                break
            }
        }
        let text = String(decoding: head, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        let parts = lines.first?.split(separator: " ") ?? []
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var received = rest
        if headers["expect"]?.lowercased() == "100-continue", received.isEmpty {
            _ = sendAll(client, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        let length = headers["content-length"].flatMap { Int($0) } ?? 0
        while received.count < min(length, 64 << 20) {
            let n = read(client, &buffer, min(buffer.count, length - received.count))
            guard n > 0 else { break }
            received += buffer[..<n]
        }
        let request = Request(
            method: parts.first.map(String.init) ?? "", path: parts.dropFirst().first.map(String.init) ?? "/",
            headers: headers, head: text, body: Array(received.prefix(length)))
        lock.lock()
        requestLog.append(request)
        active += 1
        mostActive = max(mostActive, active)
        lock.unlock()
        let response = handler(request)
        if response.delay > 0 { Thread.sleep(forTimeInterval: response.delay) }
        // No longer active once the answer starts: a client that has read it all may open its
        // next request before this thread would get past a send, and be counted twice.
        lock.lock()
        active -= 1
        lock.unlock()
        var out = "HTTP/1.1 \(response.status) Status\r\n" + (keepAlive ? "" : "Connection: close\r\n")
        if response.headers["Content-Length"] == nil { out += "Content-Length: \(response.body.count)\r\n" }
        for (name, value) in response.headers { out += "\(name): \(value)\r\n" }
        out += "\r\n"
        let body = response.cutAfter.map { Array(response.body.prefix($0)) } ?? response.body
        guard sendAll(client, Array(out.utf8)) else { return false }
        if response.drip > 0 {
            for byte in body {
                guard !isStopped, sendAll(client, [byte]) else { return false }
                Thread.sleep(forTimeInterval: response.drip)
            }
        } else {
            _ = sendAll(client, body)
        }
        if response.cutAfter != nil {
            // An abortive close: the client sees a reset, not a clean end.
            var linger = linger(l_onoff: 1, l_linger: 0)
            setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
            return false
        }
        return true
    }

    private func sendAll(_ client: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }
}
