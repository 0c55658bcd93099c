import Foundation
import NewsdeskBase
import NewsdeskConfig
import NewsdeskFetch
import NewsdeskParse
import NewsdeskStore

/// What one fetch means for a feed: its next state and, when a feed came back, its items.
/// A pure function of the stored state, the response and the time, so each HTTP rule is
/// testable on its own; ``FeedPoller`` does the I/O around it.
struct FetchOutcome {
    enum Event: Equatable {
        case fetched(items: Int)
        case notModified
        case failed(String)
        case gone
        case retryAfter(TimeInterval)
    }

    var record: FeedRecord
    var feed: Feed?
    var event: Event
    /// The new fetch URL when this fetch completed a move.
    var movedTo: String?

    /// Applies `result` to `record` (fetched at `now`) for a feed configured as `config`.
    ///
    /// - postsLastWeek: items the feed dated in the last 7 days, from the store (nil: none dated);
    ///   asked only when the fetch brings no new document to count them in.
    init(
        result: Result<FetchResponse, FetchError>, record: FeedRecord, config: FeedConfig, policy: PollPolicy,
        parser: FeedParser, now: Date, postsLastWeek: () -> Int?, random: Double
    ) {
        var record = record
        record.lastFetch = now
        switch result {
        case .failure(let error):
            record.httpStatus = nil
            (event, feed, movedTo) = (.failed(error.message), nil, nil)
        case .success(let response):
            record.httpStatus = response.status == 0 ? nil : response.status
            movedTo = Self.trackMove(response.redirects, record: &record)
            (event, feed) = Self.read(response, into: &record, parser: parser, now: now)
        }
        let dated = feed.map { parsed in parsed.items.compactMap { $0.published ?? $0.updated } }
        let posts =
            dated.map { dates in dates.isEmpty ? nil : dates.filter { now.timeIntervalSince($0) < 7 * 86_400 }.count }
            ?? (config.interval == nil ? postsLastWeek() : nil)
        let interval = policy.interval(
            configured: config.interval?.timeInterval, postsLastWeek: posts, serverInterval: record.serverInterval)
        Self.schedule(event, interval: interval, record: &record, policy: policy, now: now, random: random)
        self.record = record
    }

    /// What `response` means for the feed (``HTTPRules``), with its document parsed when it
    /// brought a new one; the validators, content hash and server's wishes go into `record`.
    private static func read(
        _ response: FetchResponse, into record: inout FeedRecord, parser: FeedParser, now: Date
    ) -> (Event, Feed?) {
        let freshness = HTTPRules.freshness(headers: response.headers, now: now)
        if let freshness { record.serverInterval = freshness }
        switch HTTPRules.meaning(of: response, now: now) {
        case .document:
            let hash = ContentHash.hex(response.body)
            guard hash != record.contentHash else {
                storeValidators(response.headers, in: &record, replacing: true)
                return (.notModified, nil)
            }
            do {
                let parsed = try parser.parse(response.body, url: URL(string: response.effectiveURL), charset: response.charset)
                storeValidators(response.headers, in: &record, replacing: true)
                record.contentHash = hash
                record.title = parsed.title
                record.siteLink = parsed.link
                // A new document says afresh what the server wants: a ttl or a freshness
                // header that is gone no longer stretches the interval.
                let ttl = parsed.ttlMinutes.flatMap { $0 > 0 ? TimeInterval(min($0, 1_440) * 60) : nil }
                record.serverInterval = [freshness, ttl].compactMap { $0 }.max()
                return (.fetched(items: parsed.items.count), parsed)
            } catch {
                return (.failed("\(error)"), nil)
            }
        case .notModified:
            storeValidators(response.headers, in: &record, replacing: false)
            return (.notModified, nil)
        case .gone:
            return (.gone, nil)
        case .retryAfter(let wait):
            return (.retryAfter(min(wait, PollPolicy.longestWait)), nil)
        case .failed(let message):
            return (.failed(message), nil)
        }
    }

    /// The feed's state and next fetch after `event`: `interval` for a healthy feed, a backoff
    /// after a failure, the server's wait, or never for a gone feed.
    private static func schedule(
        _ event: Event, interval: TimeInterval, record: inout FeedRecord, policy: PollPolicy, now: Date, random: Double
    ) {
        switch event {
        case .fetched, .notModified:
            record.state = event == .notModified ? .notModified : .ok
            record.error = nil
            record.errorCount = 0
            record.lastSuccess = now
            record.nextDue = now.addingTimeInterval(interval)
        case .failed(let message):
            record.state = .backoff
            record.error = message
            record.errorCount += 1
            record.nextDue = now.addingTimeInterval(policy.backoff(interval: interval, failures: record.errorCount, random: random))
        case .gone:
            record.state = .gone
            record.error = "410 Gone: the server says this feed was removed for good"
            record.nextDue = .distantFuture
        case .retryAfter(let wait):
            record.state = .retryAfter
            record.error = "HTTP \(record.httpStatus ?? 0): asked to retry after \(Int(wait)) s"
            record.errorCount += 1
            record.nextDue = now.addingTimeInterval(max(wait, 1))
        }
    }

    /// The validators to send next time (``HTTPRules/Validators``) kept in the record.
    private static func storeValidators(_ headers: [String: String], in record: inout FeedRecord, replacing: Bool) {
        let kept = HTTPRules.Validators(etag: record.etag, lastModified: record.lastModified)
            .updated(by: headers, replacing: replacing)
        (record.etag, record.lastModified) = (kept.etag, kept.lastModified)
    }

    /// Counts permanent redirects (301/308 from the first hop on) to the same place; the third
    /// in a row moves the feed there. Returns the new fetch URL when it moves.
    private static func trackMove(_ redirects: [Redirect], record: inout FeedRecord) -> String? {
        guard let target = HTTPRules.permanentTarget(of: redirects) else {
            record.redirectTarget = nil
            record.redirectCount = 0
            return nil
        }
        if target == record.redirectTarget {
            record.redirectCount += 1
        } else {
            record.redirectTarget = target
            record.redirectCount = 1
        }
        guard record.redirectCount >= 3 else { return nil }
        record.fetchURL = target
        record.redirectTarget = nil
        record.redirectCount = 0
        return target
    }
}
