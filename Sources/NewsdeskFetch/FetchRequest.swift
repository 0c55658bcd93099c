import Foundation

/// One hop of a redirect chain: the status that sent us on, and where to.
public struct Redirect: Sendable, Equatable {
    public var status: Int
    /// The `Location`, made absolute against the URL that answered.
    public var location: String
}

/// What one HTTP(S) transfer (or the read of a `file:` feed) brought back.
public struct FetchResponse: Sendable {
    /// HTTP status (0 for file://).
    public var status: Int
    /// The URL the body finally came from, after redirects.
    public var effectiveURL: String
    /// Response headers of the final response, names lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]
    /// The redirects followed to get here, in order.
    public var redirects: [Redirect] = []

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
    /// Whether the body was refused for its size.
    public var tooLarge = false
    /// Whether the caller's `shouldStop` ended the transfer (not a failure of the server).
    public var stopped = false
    /// Whether a non-public address was refused (``FetchRequest/allowPrivateNetworks`` was off).
    public var refusedAddress = false
    public var description: String { message }

    public init(url: String, message: String, tooLarge: Bool = false, stopped: Bool = false, refusedAddress: Bool = false) {
        self.url = url
        self.message = message
        self.tooLarge = tooLarge
        self.stopped = stopped
        self.refusedAddress = refusedAddress
    }
}

/// Limits for a transfer.
public struct FetchLimits: Sendable {
    public var timeout: Duration = .seconds(30)
    public var connectTimeout: Duration = .seconds(10)
    public var maxBody: Int = 16 << 20
    public var maxRedirects = 5
    public init() {}
}

/// One request to make: a GET of a feed with the validators to send back, or a POST of a body
/// (the embeddings endpoint's JSON).
public struct FetchRequest: Sendable {
    public var url: String
    public var etag: String?
    public var lastModified: String?
    /// Sent as a POST with this body; nil for a GET.
    public var body: [UInt8]?
    /// Extra request headers, `Name: value` (an `Accept` here replaces the feed types).
    public var headers: [String] = []
    /// Whether the transfer may connect to loopback, private and other non-public addresses
    /// (see ``AddressPolicy``). Off, every address connected to, on every hop, must be public,
    /// and proxies from the environment are not used: through a proxy the address it connects
    /// to cannot be checked.
    public var allowPrivateNetworks = false

    public init(url: String, etag: String? = nil, lastModified: String? = nil, allowPrivateNetworks: Bool = false) {
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
        self.allowPrivateNetworks = allowPrivateNetworks
    }

    /// A POST of `body` with `headers`.
    public init(post url: String, body: [UInt8], headers: [String]) {
        self.url = url
        self.body = body
        self.headers = headers
    }
}
