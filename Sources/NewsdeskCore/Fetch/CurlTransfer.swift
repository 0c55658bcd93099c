import CCurl
import Foundation

/// What one HTTP(S) or file transfer brought back.
public struct FetchResponse: Sendable {
    /// HTTP status (0 for file://).
    public var status: Int
    /// The URL the body finally came from, after redirects.
    public var effectiveURL: String
    /// Response headers of the final response, names lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]

    /// The `charset` parameter of Content-Type, if any.
    public var charset: String? {
        guard let type = headers["content-type"] else { return nil }
        for parameter in type.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "charset" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            }
        }
        return nil
    }
}

/// Why a transfer failed, with curl's own words.
public struct FetchError: Error, Sendable, CustomStringConvertible {
    public var url: String
    public var message: String
    public var description: String { message }
}

/// Limits for a transfer.
public struct FetchLimits: Sendable {
    public var timeout: Duration = .seconds(30)
    public var connectTimeout: Duration = .seconds(10)
    public var maxBody: Int = 16 << 20
    public var maxRedirects = 5
    public init() {}
}

/// The one Swift file that talks to libcurl.
///
/// `CurlTransfer` owns one easy handle for one transfer; not `Sendable`, used on one thread.
final class CurlTransfer {
    static let userAgent = "newsdesk/\(NewsdeskVersion.string) (+\(NewsdeskVersion.homePage))"
    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    private let handle: UnsafeMutableRawPointer
    private let url: String
    private let limits: FetchLimits
    private var body: [UInt8] = []
    private var headers: [String: String] = [:]
    private var overCap = false

    private init?(url: String, limits: FetchLimits) {
        Self.globalInit
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        self.url = url
        self.limits = limits
    }

    deinit { curl_easy_cleanup(handle) }

    /// Fetches `url` (http, https or file) synchronously.
    static func fetch(_ url: String, limits: FetchLimits = FetchLimits()) throws(FetchError) -> FetchResponse {
        guard let transfer = CurlTransfer(url: url, limits: limits) else {
            throw FetchError(url: url, message: "libcurl could not create a transfer")
        }
        return try transfer.perform()
    }

    private func perform() throws(FetchError) -> FetchResponse {
        let scheme = url.split(separator: ":", maxSplits: 1).first?.lowercased() ?? ""
        let allowed = scheme == "file" ? "file" : "http,https"
        nd_easy_setopt_string(handle, CURLOPT_URL, url)
        nd_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, allowed)
        nd_easy_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        nd_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1)
        nd_easy_setopt_long(handle, CURLOPT_MAXREDIRS, limits.maxRedirects)
        nd_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        nd_easy_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")
        nd_easy_setopt_string(handle, CURLOPT_USERAGENT, Self.userAgent)
        nd_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(limits.timeout))
        nd_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(limits.connectTimeout))
        nd_easy_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(limits.maxBody))
        let me = Unmanaged.passUnretained(self).toOpaque()
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
            let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
                String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
            }
            if line.hasPrefix("HTTP/") { transfer.headers = [:] }  // a new response (after a redirect)
            if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].lowercased()
                transfer.headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return length
        }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code = errorBuffer.withUnsafeMutableBufferPointer { buffer -> CURLcode in
            nd_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, buffer.baseAddress)
            return curl_easy_perform(handle)
        }
        nd_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, nil)
        if overCap || code == CURLE_FILESIZE_EXCEEDED {
            throw FetchError(url: url, message: "response larger than max_body (\(limits.maxBody) bytes)")
        }
        guard code == CURLE_OK else {
            let detail = String(decoding: errorBuffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw FetchError(url: url, message: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
        }
        var status = 0
        nd_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var effective: UnsafeMutablePointer<CChar>?
        nd_easy_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        return FetchResponse(
            status: status, effectiveURL: effective.map { String(cString: $0) } ?? url,
            headers: headers, body: body)
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
