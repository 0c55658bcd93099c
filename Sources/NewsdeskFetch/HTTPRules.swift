import Foundation
import NewsdeskBase

/// What an HTTP answer means, by HTTP's rules alone (RFC 9110 and 9111, RFC 6585 for 429):
/// whether it brought a document, what to send back next time, how long the server wants to be
/// left alone. Pure functions of the answer and the time; what a feed does with the meaning (its
/// schedule, its backoff, parsing the document) is the daemon's (`FetchOutcome`).
public enum HTTPRules {
    /// The kinds of answer a poller tells apart.
    public enum Meaning: Equatable, Sendable {
        /// 2xx, or a `file:` feed read (status 0): a body to read.
        case document
        /// 304: what we hold is still current.
        case notModified
        /// 410: removed for good.
        case gone
        /// 429 or 503 with a `Retry-After`: asked to wait this long (not capped here).
        case retryAfter(TimeInterval)
        /// Anything else, with the reason to show.
        case failed(String)
    }

    /// What `response` (received at `now`) means.
    public static func meaning(of response: FetchResponse, now: Date) -> Meaning {
        switch response.status {
        case 0, 200..<300: .document
        case 304: .notModified
        case 410: .gone
        case 429, 503:
            retryAfter(response.headers["retry-after"], now: now).map(Meaning.retryAfter)
                ?? .failed("HTTP \(response.status) without Retry-After")
        default: .failed("HTTP \(response.status)")
        }
    }

    /// The validators to send with the next request (`If-None-Match`, `If-Modified-Since`).
    public struct Validators: Equatable, Sendable {
        public var etag: String?
        public var lastModified: String?

        public init(etag: String?, lastModified: String?) {
            self.etag = etag
            self.lastModified = lastModified
        }

        /// After a new document (`replacing`), its validators replace ours, missing ones
        /// included; after a 304, only those it repeats are updated (RFC 9111, section 4.3.4).
        public func updated(by headers: [String: String], replacing: Bool) -> Validators {
            Validators(
                etag: replacing || headers["etag"] != nil ? headers["etag"] : etag,
                lastModified: replacing || headers["last-modified"] != nil ? headers["last-modified"] : lastModified)
        }
    }

    /// A `Retry-After` value (delay in seconds, or an HTTP date) as a wait from `now`, never
    /// negative.
    public static func retryAfter(_ value: String?, now: Date) -> TimeInterval? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value) { return TimeInterval(max(seconds, 0)) }
        return HTTPDate.parse(value).map { max($0.timeIntervalSince(now), 0) }
    }

    /// How long the server says its answer stays fresh: `Cache-Control: max-age`, else
    /// `Expires` counted from the answer's `Date` (or `now` without one).
    public static func freshness(headers: [String: String], now: Date) -> TimeInterval? {
        if let control = headers["cache-control"]?.lowercased() {
            for directive in control.split(separator: ",") {
                let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, parts[0] == "max-age",
                    let seconds = Int(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
                {
                    return TimeInterval(max(seconds, 0))
                }
            }
        }
        if let expires = headers["expires"], let date = HTTPDate.parse(expires) {
            let base = headers["date"].flatMap(HTTPDate.parse) ?? now
            return max(date.timeIntervalSince(base), 0)
        }
        return nil
    }

    /// Where the permanent redirects (301, 308) at the start of `redirects` end, if the chain
    /// starts with one: the address a feed may move to (a temporary hop after it does not count).
    public static func permanentTarget(of redirects: [Redirect]) -> String? {
        redirects.prefix { $0.status == 301 || $0.status == 308 }.last?.location
    }
}
