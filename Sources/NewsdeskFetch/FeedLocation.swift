import Foundation

/// A feed named on the command line: a local file or an http(s)/file URL.
public struct FeedLocation: Sendable {
    public var argument: String

    public init(_ argument: String) { self.argument = argument }

    /// Whether the argument is a URL rather than a path.
    public var isURL: Bool {
        let lower = argument.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("file://")
    }

    /// The bytes, the URL to resolve relative links against, and the HTTP charset if any. The
    /// location was typed by the user, so it may be on a private network.
    public func load(limits: FetchLimits = FetchLimits()) throws -> (body: [UInt8], url: URL?, charset: String?) {
        if isURL, LocalFeedFile.isFileURL(argument) {
            let response = try LocalFeedFile.fetch(argument, limits: limits)
            return (response.body, URL(string: response.effectiveURL), nil)
        }
        if isURL {
            let response = try CurlTransfer.fetch(argument, limits: limits, allowPrivateNetworks: true)
            guard (200..<300).contains(response.status) else {
                throw FetchError(url: argument, message: "HTTP status \(response.status)")
            }
            return (response.body, URL(string: response.effectiveURL), response.charset)
        }
        // A local file has no web address: relative links stay relative unless a base is given.
        return (try LocalFeedFile.bytes(at: argument, url: argument, limits: limits, regularOnly: false), nil, nil)
    }
}
