import Foundation
import NewsdeskConfig
import NewsdeskFetch
import NewsdeskParse

/// Finds the feed behind a URL given to `newsdesk add`: the URL's own feed, or else the first
/// feed the page at it names (``FeedDiscovery``: `<link rel="alternate">` of RSS, Atom, RDF or
/// JSON Feed, in page order). The feed is fetched and parsed, so only one that works is ever
/// configured. A URL already in the config, or a page whose first feed is, is refused before
/// that feed is fetched; so is a page that names no feed, and any fetch or parse failure.
///
/// Fetch, then Parse, in that order, as the poller does. The network is `fetch`, injected, so
/// tests answer from memory. A value, `Sendable`.
public struct FeedFinder: Sendable {
    /// One transfer; ``CurlTransfer`` by default.
    public typealias Fetch = @Sendable (FetchRequest, FetchLimits) throws(FetchError) -> FetchResponse

    /// The feed to add.
    public struct Found: Sendable {
        /// What to configure: the URL given, or the feed URL its page names (absolute).
        public var url: String
        public var feed: Feed
        /// The page the feed was found on, when the URL given was a page.
        public var page: String?
        /// The page's other feeds, in page order.
        public var others: [String] = []
    }

    /// Why nothing can be added, about `url` (the URL given, or the feed its page names).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var url: String
        public var reason: String
        /// Whether a non-public address was refused: `allow_private_networks` would let it through.
        public var refusedAddress = false
        public var description: String { "\(url): \(reason)" }
    }

    /// The config the feed would join: its feeds are the duplicates, its settings the limits.
    public var config: Config
    /// The config's name in messages.
    public var configName: String
    /// Whether the transfers may reach loopback and private addresses.
    public var allowPrivateNetworks: Bool
    private let fetch: Fetch

    /// A finder for feeds to join `config` (named `configName` in messages); `fetch` is
    /// ``CurlTransfer`` unless given.
    public init(config: Config, configName: String, allowPrivateNetworks: Bool, fetch: Fetch? = nil) {
        self.config = config
        self.configName = configName
        self.allowPrivateNetworks = allowPrivateNetworks
        // Not `fetch ?? Self.curl`: that autoclosure around a typed-throws function crashes
        // Swift 6.3.1's SIL generation (signal 11).
        if let fetch {
            self.fetch = fetch
        } else {
            self.fetch = Self.curl
        }
    }

    private static func curl(_ request: FetchRequest, _ limits: FetchLimits) throws(FetchError) -> FetchResponse {
        try CurlTransfer.fetch(request, limits: limits)
    }

    /// The feed at `url`, or the first one the page at `url` names.
    public func find(_ url: String) throws(Failure) -> Found {
        try refuseDuplicate(url, on: nil)
        let response = try get(url, on: nil)
        let notAFeed: FeedParseError
        do {
            return Found(url: url, feed: try parse(response))
        } catch let error where error.kind == .notAFeed {
            notAFeed = error
        } catch {
            throw Failure(url: url, reason: "not a usable feed: \(error)")
        }
        let body = CharsetDecoder.decode(response.body, httpCharset: response.charset).bytes
        let feeds = FeedDiscovery.feeds(in: body, base: URL(string: response.effectiveURL))
        guard let first = feeds.first else {
            throw Failure(
                url: url, reason: "\(notAFeed), and the page names no feed (no <link rel=\"alternate\"> to RSS, Atom or JSON Feed)")
        }
        try refuseDuplicate(first, on: url)
        let feedResponse = try get(first, on: url)
        do {
            return Found(url: first, feed: try parse(feedResponse), page: url, others: Array(feeds.dropFirst()))
        } catch {
            throw Failure(url: url, reason: "the page's feed \(first) is not a usable feed: \(error)")
        }
    }

    /// Refuses `url` if the config has it. A failure about a feed named `on` a page is the page's.
    private func refuseDuplicate(_ url: String, on page: String?) throws(Failure) {
        guard let (number, existing) = ConfigAppender.existing(url, in: config) else { return }
        let subject = page == nil ? "already" : "the page's feed \(url) is already"
        let at = existing.line.map { " at line \($0)" } ?? ""
        throw Failure(url: page ?? url, reason: "\(subject) in \(configName) as feed[\(number)]\(at): \(existing.url)")
    }

    /// The response at `url`, if its status is 2xx. A failure about a feed named `on` a page is the page's.
    private func get(_ url: String, on page: String?) throws(Failure) -> FetchResponse {
        var limits = FetchLimits()
        limits.timeout = config.settings.timeout
        limits.maxBody = config.settings.maxBody
        let subject = page == nil ? "" : "the page's feed \(url): "
        let response: FetchResponse
        do {
            response = try fetch(FetchRequest(url: url, allowPrivateNetworks: allowPrivateNetworks), limits)
        } catch {
            throw Failure(url: page ?? url, reason: "\(subject)cannot fetch it: \(error)", refusedAddress: error.refusedAddress)
        }
        guard (200..<300).contains(response.status) else {
            throw Failure(url: page ?? url, reason: "\(subject)HTTP status \(response.status)")
        }
        return response
    }

    private func parse(_ response: FetchResponse) throws(FeedParseError) -> Feed {
        let settings = config.settings
        let parser = FeedParser(
            options: .init(maxBytes: settings.maxBody, maxTitleChars: settings.maxTitleChars, maxExcerptChars: settings.maxExcerptChars))
        return try parser.parse(response.body, url: URL(string: response.effectiveURL), charset: response.charset)
    }
}
