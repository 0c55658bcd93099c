import Foundation
import NewsdeskConfig

/// When to fetch a feed next: its interval, the server's wishes, backoff after failures.
/// Pure functions of their inputs, so every rule is tested without a clock or a network.
public struct PollPolicy: Sendable {
    /// No feed is polled less often than this.
    public static let maximum: TimeInterval = 24 * 3_600
    /// The furthest ahead any rule puts a feed's next fetch: the interval, the backoff and a
    /// server's Retry-After are each capped at ``maximum`` (a gone feed is never due, which is
    /// not a wait). A stored `next_due` further ahead was stored while the clock ran ahead.
    public static let longestWait: TimeInterval = maximum
    /// A cycle also takes the feeds due within this long after its start (a tenth of the
    /// floor: 30 s), so feeds whose schedules drifted a few seconds apart share one cycle, and
    /// one clustering and publishing pass, instead of each starting its own.
    public var gather: TimeInterval { minimum / 10 }
    /// A server answering 304 forever still gets one unconditional fetch this often.
    public static let unconditionalEvery: TimeInterval = 24 * 3_600

    /// `poll_interval`: the interval of a feed that sets none, before its rate is known.
    public var defaultInterval: TimeInterval
    /// No feed is polled more often than this (``Settings/minimumInterval``, which `check`
    /// enforces).
    public var minimum: TimeInterval

    public init(defaultInterval: TimeInterval, minimum: TimeInterval = FeedConfig.defaultMinimumInterval) {
        self.defaultInterval = defaultInterval
        self.minimum = minimum
    }

    /// The interval between two fetches of a healthy feed.
    ///
    /// - configured: the feed's own `interval`, if set.
    /// - postsLastWeek: items the feed dated within the last 7 days (nil when none is dated),
    ///   used only when no interval is configured: one fetch per expected post, between a
    ///   quarter and four times `poll_interval`.
    /// - serverInterval: the longest wait the server asked for (RSS ttl, max-age, Expires).
    public func interval(configured: TimeInterval?, postsLastWeek: Int?, serverInterval: TimeInterval?) -> TimeInterval {
        var interval: TimeInterval
        if let configured {
            interval = configured
        } else if let posts = postsLastWeek {
            let perPost = 7 * 86_400 / Double(max(posts, 1))
            interval = min(max(perPost, defaultInterval / 4), defaultInterval * 4)
        } else {
            interval = defaultInterval
        }
        if let serverInterval { interval = max(interval, serverInterval) }
        return min(max(interval, minimum), Self.maximum)
    }

    /// The wait after the `failures`-th failure in a row: the interval doubled per failure,
    /// up to 24 h, with up to 20% random jitter taken off so failed feeds do not retry in step.
    public func backoff(interval: TimeInterval, failures: Int, random: Double) -> TimeInterval {
        let doubled = interval * pow(2, Double(min(max(failures - 1, 0), 20)))
        let capped = min(doubled, Self.maximum)
        return max(capped * (1 - 0.2 * min(max(random, 0), 1)), minimum / 5)
    }
}
