import CCurl
import Foundation
import NewsdeskBase

/// The one Swift file that talks to libcurl: ``CurlTransfer`` configures one easy handle,
/// ``CurlMulti`` drives many of them on one thread with the multi interface.
///
/// Unless the request allows private networks, two guards hold every transfer to public
/// addresses (``AddressPolicy``): the open-socket callback refuses a non-public address before
/// any connection is attempted, and the pre-request callback checks the address of the
/// connection each request goes out on, a reused one included, on every hop of a redirect.
/// Both check the address resolved, so no spelling of a host gets past them.
///
/// Not `Sendable`: a transfer lives on the thread of the loop that runs it.
package final class CurlTransfer {
    static let userAgent = "newsdesk/\(NewsdeskVersion.string) (+\(NewsdeskVersion.homePage))"
    /// The feed types first; anything else is still taken (a server may label a feed text/html).
    static let accept =
        "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, "
        + "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
    static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    let handle: UnsafeMutableRawPointer
    let request: FetchRequest
    let limits: FetchLimits
    private var body: [UInt8] = []
    /// One entry per response received (redirects, then the final one).
    private var responses: [(status: Int, headers: [String: String])] = []
    private var overCap = false
    /// Asked by the progress callback of a synchronous ``fetch(_:limits:shouldStop:)``.
    private var shouldStop: (() -> Bool)?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// Why the guards refused an address, the first time they did.
    private var refusal: String?
    /// Whether the address guards went in (or were not asked for): a libcurl without the
    /// options they need gets no transfer at all, rather than one that connects anywhere.
    private var guarded = true
    /// The range of a non-public address, nil for a public one (a test may move the line).
    private let classify: AddressPolicy.Classifier

    init?(_ request: FetchRequest, limits: FetchLimits, classify: @escaping AddressPolicy.Classifier = AddressPolicy.classify) {
        Self.globalInit
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        self.request = request
        self.limits = limits
        self.classify = classify
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        configure()
        guard guarded else { return nil }
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// Fetches one http(s) URL synchronously.
    static func fetch(
        _ url: String, limits: FetchLimits = FetchLimits(), allowPrivateNetworks: Bool = false
    ) throws(FetchError) -> FetchResponse {
        try fetch(FetchRequest(url: url, allowPrivateNetworks: allowPrivateNetworks), limits: limits)
    }

    /// Makes one request synchronously. `shouldStop` is asked about once a second while it
    /// runs; when it says so the transfer is abandoned with ``FetchError/stopped`` set.
    package static func fetch(
        _ request: FetchRequest, limits: FetchLimits, shouldStop: () -> Bool = { false }
    ) throws(FetchError) -> FetchResponse {
        let url = request.url
        guard let transfer = CurlTransfer(request, limits: limits) else {
            throw FetchError(url: url, message: "libcurl could not create a transfer")
        }
        let result = withoutActuallyEscaping(shouldStop) { shouldStop in
            // The closure lives only as long as this call: the handle is not used after it.
            transfer.shouldStop = shouldStop
            defer { transfer.shouldStop = nil }
            nd_easy_setopt_pointer(transfer.handle, CURLOPT_XFERINFODATA, Unmanaged.passUnretained(transfer).toOpaque())
            nd_easy_setopt_xferinfo(transfer.handle) { userdata, _, _, _, _ in
                guard let userdata else { return 0 }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
                return transfer.shouldStop?() == true ? 1 : 0
            }
            nd_easy_setopt_long(transfer.handle, CURLOPT_NOPROGRESS, 0)
            return transfer.finish(curl_easy_perform(transfer.handle))
        }
        return try result.get()
    }

    private func configure() {
        // Local files are read by LocalFeedFile, never by libcurl; redirects only ever to http(s).
        nd_easy_setopt_string(handle, CURLOPT_URL, request.url)
        nd_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        nd_easy_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        nd_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1)
        nd_easy_setopt_long(handle, CURLOPT_MAXREDIRS, limits.maxRedirects)
        nd_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        nd_easy_setopt_long(handle, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        nd_easy_setopt_long(handle, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        nd_easy_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")  // every encoding libcurl decodes
        nd_easy_setopt_string(handle, CURLOPT_USERAGENT, Self.userAgent)
        nd_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(limits.timeout))
        nd_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(limits.connectTimeout))
        nd_easy_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(limits.maxBody))
        nd_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        if !request.headers.contains(where: { $0.lowercased().hasPrefix("accept:") }) {
            headerList = curl_slist_append(headerList, "Accept: \(Self.accept)")
        }
        for header in request.headers { headerList = curl_slist_append(headerList, header) }
        if let body = request.body {
            // libcurl copies the body (COPYPOSTFIELDS) after being told its size, so it may hold any byte.
            nd_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            _ = body.withUnsafeBytes {
                nd_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress))
            }
        }
        if let etag = request.etag { headerList = curl_slist_append(headerList, "If-None-Match: \(etag)") }
        if let lastModified = request.lastModified { headerList = curl_slist_append(headerList, "If-Modified-Since: \(lastModified)") }
        if let headerList { nd_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList) }
        let me = Unmanaged.passUnretained(self).toOpaque()
        if !request.allowPrivateNetworks { guarded = guardAddresses(me) }
        nd_easy_setopt_pointer(handle, CURLOPT_PRIVATE, me)
        nd_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, me)
        nd_easy_setopt_write(handle, CURLOPT_WRITEFUNCTION) { data, size, count, userdata in
            guard let data, let userdata else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
            let length = size * count
            if transfer.body.count + length > transfer.limits.maxBody {
                transfer.overCap = true
                return 0
            }
            data.withMemoryRebound(to: UInt8.self, capacity: length) {
                transfer.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
            }
            return length
        }
        nd_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, me)
        nd_easy_setopt_write(handle, CURLOPT_HEADERFUNCTION) { data, size, count, userdata in
            guard let data, let userdata else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
            let length = size * count
            data.withMemoryRebound(to: UInt8.self, capacity: length) {
                transfer.headerLine(UnsafeBufferPointer(start: $0, count: length))
            }
            return length
        }
    }

    /// Installs the two guards that refuse non-public addresses, and turns off proxies from
    /// the environment (which would make the proxy's address the only one seen). Returns
    /// whether libcurl took every one of those options.
    private func guardAddresses(_ me: UnsafeMutableRawPointer) -> Bool {
        var codes = [
            nd_easy_setopt_string(handle, CURLOPT_PROXY, ""), nd_easy_setopt_pointer(handle, CURLOPT_OPENSOCKETDATA, me),
            nd_easy_setopt_pointer(handle, CURLOPT_PREREQDATA, me),
        ]
        codes.append(
            nd_easy_setopt_opensocket(handle) { userdata, _, address in
                guard let userdata, let address else { return CURL_SOCKET_BAD }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
                let ip = IPAddress(nd_curl_sockaddr(address), length: Int(address.pointee.addrlen))
                return transfer.permits(ip) ? nd_open_socket(address) : CURL_SOCKET_BAD
            })
        codes.append(
            nd_easy_setopt_prereq(handle) { userdata, primaryIP, _, _, _ in
                guard let userdata, let primaryIP else { return CURL_PREREQFUNC_ABORT }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
                return transfer.permits(IPAddress(String(cString: primaryIP))) ? CURL_PREREQFUNC_OK : CURL_PREREQFUNC_ABORT
            })
        return codes.allSatisfy { $0 == CURLE_OK }
    }

    /// Whether `address` is public; when not, the refusal is kept for the error.
    private func permits(_ address: IPAddress?) -> Bool {
        guard let address else {
            refusal = refusal ?? "refused to connect to an address that is neither IPv4 nor IPv6"
            return false
        }
        guard let range = classify(address) else { return true }
        refusal = refusal ?? AddressPolicy.refusal(address, range)
        return false
    }

    /// One raw header line: a status line starts a new response (a redirect's, or the final
    /// one); `Name: value` lines are kept with the name lower-cased and the value trimmed.
    private func headerLine(_ line: UnsafeBufferPointer<UInt8>) {
        var end = line.count
        while end > 0, Whitespace.isASCIISpace(line[end - 1]) { end -= 1 }
        if end >= 5, line[0] == UInt8(ascii: "H"), line[1] == UInt8(ascii: "T"), line[2] == UInt8(ascii: "T"),
            line[3] == UInt8(ascii: "P"), line[4] == UInt8(ascii: "/")
        {
            var status = 0
            var i = 0
            while i < end, line[i] != UInt8(ascii: " ") { i += 1 }
            i += 1
            while i < end, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[i]) {
                status = status * 10 + Int(line[i] - UInt8(ascii: "0"))
                i += 1
            }
            if !(100..<200).contains(status) { responses.append((status, [:])) }
            return
        }
        guard !responses.isEmpty, let colon = line[..<end].firstIndex(of: UInt8(ascii: ":")) else { return }
        var start = colon + 1
        while start < end, Whitespace.isASCIISpace(line[start]) { start += 1 }
        let name = String(decoding: line[..<colon].map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
        responses[responses.count - 1].headers[name] = String(decoding: UnsafeBufferPointer(rebasing: line[start..<end]), as: UTF8.self)
    }

    /// The outcome, once curl reports the transfer done with `code`.
    func finish(_ code: CURLcode) -> Result<FetchResponse, FetchError> {
        let url = request.url
        if overCap || code == CURLE_FILESIZE_EXCEEDED {
            return .failure(FetchError(url: url, message: "response larger than max_body (\(limits.maxBody) bytes)", tooLarge: true))
        }
        if let refusal, code != CURLE_OK { return .failure(FetchError(url: url, message: refusal, refusedAddress: true)) }
        if code == CURLE_ABORTED_BY_CALLBACK {
            return .failure(FetchError(url: url, message: "stopped before an answer came", stopped: true))
        }
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            var message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            if code == CURLE_TOO_MANY_REDIRECTS { message = "redirect loop or too many redirects: \(message)" }
            if code == CURLE_UNSUPPORTED_PROTOCOL { message = "redirect or URL to a protocol other than http(s) refused: \(message)" }
            // libcurl 7.88 keeps at most 100 kB of one response's headers and says only "Out of memory" past it.
            if code == CURLE_OUT_OF_MEMORY || detail.hasPrefix("Too large response headers") {
                message = "a response header is larger than libcurl accepts (100 kB), or memory ran out: \(message)"
            }
            return .failure(FetchError(url: url, message: message))
        }
        var status = 0
        nd_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var effective: UnsafeMutablePointer<CChar>?
        nd_easy_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        var redirects: [Redirect] = []
        var hop = url
        for response in responses.dropLast() {
            guard let location = response.headers["location"] else { continue }
            hop = LinkResolver.hasScheme(location) ? location : LinkResolver.resolve(location, base: hop) ?? location
            redirects.append(Redirect(status: response.status, location: hop))
        }
        return .success(
            FetchResponse(
                status: status, effectiveURL: effective.map { String(cString: $0) } ?? url,
                headers: responses.last?.headers ?? [:], body: body, redirects: redirects))
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}

/// Many transfers at once on one thread, through one libcurl multi handle: at most
/// `concurrency` running, at most `perHost` to one host, each result reported as it lands.
///
/// Not `Sendable`: `run` blocks its thread until every request is answered.
package final class CurlMulti {
    private let multi: UnsafeMutableRawPointer
    private let concurrency: Int
    private let perHost: Int
    private let classify: AddressPolicy.Classifier

    package init?(concurrency: Int, perHost: Int, classify: @escaping AddressPolicy.Classifier = AddressPolicy.classify) {
        CurlTransfer.globalInit
        guard let multi = curl_multi_init() else { return nil }
        self.multi = multi
        self.classify = classify
        self.concurrency = max(1, concurrency)
        self.perHost = max(1, perHost)
        nd_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, self.perHost)
    }

    deinit { curl_multi_cleanup(multi) }

    /// Runs `requests` to completion, calling `completed` (on this thread) as each finishes.
    /// `file:` requests are read first, one by one by ``LocalFeedFile``, outside libcurl's
    /// loop. When `shouldStop` turns true (checked at least once a second, and between files)
    /// the requests still waiting or running are abandoned without a report, and `run` returns.
    package func run(
        _ requests: [FetchRequest], limits: FetchLimits, shouldStop: () -> Bool = { false },
        completed: (Int, Result<FetchResponse, FetchError>) -> Void
    ) {
        // Requests wait in one queue per host, taken in turn so no host starves the others.
        var queues: [String: [Int]] = [:]
        var hosts: [String] = []
        for (index, request) in requests.enumerated() {
            if LocalFeedFile.isFileURL(request.url) {
                if shouldStop() { return }
                completed(index, Result { () throws(FetchError) in try LocalFeedFile.fetch(request.url, limits: limits) })
                continue
            }
            let host = Self.host(of: request.url)
            if queues[host] == nil { hosts.append(host) }
            queues[host, default: []].append(index)
        }
        for host in hosts { queues[host]?.reverse() }  // pop from the end
        var running: [UnsafeMutableRawPointer: (index: Int, host: String, transfer: CurlTransfer)] = [:]
        var perHostRunning: [String: Int] = [:]
        var cursor = 0

        func admit() {
            var idle = 0
            while running.count < concurrency, !hosts.isEmpty, idle < hosts.count {
                cursor %= hosts.count
                let host = hosts[cursor]
                guard perHostRunning[host, default: 0] < perHost, let index = queues[host]?.popLast() else {
                    if queues[host]?.isEmpty ?? true {
                        hosts.remove(at: cursor)
                        queues[host] = nil
                    } else {
                        cursor += 1
                        idle += 1
                    }
                    continue
                }
                idle = 0
                cursor += 1
                guard let transfer = CurlTransfer(requests[index], limits: limits, classify: classify) else {
                    completed(index, .failure(FetchError(url: requests[index].url, message: "libcurl could not create a transfer")))
                    continue
                }
                running[transfer.handle] = (index, host, transfer)
                perHostRunning[host, default: 0] += 1
                curl_multi_add_handle(multi, transfer.handle)
            }
        }

        admit()
        while !running.isEmpty {
            if shouldStop() {
                for handle in running.keys { curl_multi_remove_handle(multi, handle) }
                return
            }
            var stillRunning: Int32 = 0
            curl_multi_perform(multi, &stillRunning)
            var pending: Int32 = 0
            while let message = curl_multi_info_read(multi, &pending) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                    let entry = running.removeValue(forKey: handle)
                else { continue }
                let code = message.pointee.data.result
                curl_multi_remove_handle(multi, handle)
                perHostRunning[entry.host, default: 1] -= 1
                completed(entry.index, entry.transfer.finish(code))
            }
            admit()
            if !running.isEmpty {
                var events: Int32 = 0
                curl_multi_poll(multi, nil, 0, 1000, &events)
            }
        }
    }

    static func host(of url: String) -> String {
        guard let components = URLComponents(string: url) else { return "" }
        return "\(components.host?.lowercased() ?? ""):\(components.port ?? 0)"
    }
}

/// A libcurl easy handle belongs to the thread that drives it.
@available(*, unavailable)
extension CurlTransfer: Sendable {}

/// One libcurl multi handle, driven by the thread that runs it.
@available(*, unavailable)
extension CurlMulti: Sendable {}
