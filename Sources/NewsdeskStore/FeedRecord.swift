import Foundation
import GRDB

/// Where a feed stands, as `newsdesk status` reports it.
public enum FeedState: String, Sendable, Codable, CaseIterable {
    /// The last fetch brought a feed.
    case ok
    /// The last fetch was a 304, or the same bytes as before.
    case notModified = "not_modified"
    /// The last fetch failed; retried after an exponential delay.
    case backoff
    /// The server asked us to wait (429/503 with Retry-After).
    case retryAfter = "retry_after"
    /// 410 Gone: never polled again.
    case gone
    /// Not fetched yet.
    case never
}

/// One feed's polling state, one row of the `feed` table.
public struct FeedRecord: Sendable, Equatable {
    public var id: Int64
    /// The config URL: the feed's identity.
    public var url: String
    /// Where it is fetched now (differs from `url` once the feed has moved).
    public var fetchURL: String
    /// The feed's own title and home page, from its last good parse.
    public var title: String?
    public var siteLink: String?
    public var etag: String?
    public var lastModified: String?
    /// Hash of the last body parsed, so identical bytes count as unchanged.
    public var contentHash: String?
    public var state: FeedState = .never
    public var httpStatus: Int?
    public var error: String?
    /// Consecutive failures; 0 after any success.
    public var errorCount = 0
    public var nextDue: Date
    public var lastFetch: Date?
    public var lastSuccess: Date?
    /// The last fetch sent without validators (a 304-forever server still gets one a day).
    public var lastFullFetch: Date?
    /// The permanent-redirect target seen on the last fetches, and how many times in a row.
    public var redirectTarget: String?
    public var redirectCount = 0
    /// The shortest interval the server asked for (RSS ttl, max-age, Expires), in seconds.
    public var serverInterval: TimeInterval?
    /// How items of this feed are keyed; only ever moves down the list when guids prove useless.
    public var keyMode: ItemKey.Mode = .guid
    /// Items of the last document beyond `max_items_per_document`, not taken.
    public var droppedItems = 0
    /// The eviction watermark: the newest date of the items evicted by `max_items_per_feed`.
    /// Written only by the item store (``StateStore/record(_:now:maxItemsPerFeed:)``).
    public var evictedThrough: Date?

    public init(id: Int64, url: String, fetchURL: String, nextDue: Date = .distantPast) {
        self.id = id
        self.url = url
        self.fetchURL = fetchURL
        self.nextDue = nextDue
    }
}

/// `feed` rows as GRDB records: a column per property, named by `CodingKeys`; times in seconds
/// since 1970 (``StateRecord``), the state as its raw string, the key mode as its number.
extension FeedRecord: Codable, FetchableRecord, PersistableRecord, StateRecord {
    public static let databaseTableName = "feed"

    /// The columns of `feed`, but for the boilerplate counts (the item store's, read apart).
    enum CodingKeys: String, CodingKey, CaseIterable, ColumnExpression {
        case id
        case url
        case fetchURL = "fetch_url"
        case title
        case siteLink = "site_link"
        case etag
        case lastModified = "last_modified"
        case contentHash = "content_hash"
        case state
        case httpStatus = "http_status"
        case error
        case errorCount = "error_count"
        case nextDue = "next_due"
        case lastFetch = "last_fetch"
        case lastSuccess = "last_success"
        case lastFullFetch = "last_full_fetch"
        case redirectTarget = "redirect_target"
        case redirectCount = "redirect_count"
        case serverInterval = "server_interval"
        case keyMode = "key_mode"
        case droppedItems = "dropped_items"
        case evictedThrough = "evicted_through"
    }

    /// What a fetch decides, written back after each: every column but the identity and the
    /// eviction watermark, which only the item store moves (in SQL, within the same transaction).
    static let polledColumns = CodingKeys.allCases.filter { ![.id, .url, .evictedThrough].contains($0) }.map(\.rawValue)
}

extension FeedState: DatabaseValueConvertible {
    /// A state this version does not know (a newer Newsdesk wrote it) reads as `never`.
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> FeedState? {
        String.fromDatabaseValue(dbValue).map { FeedState(rawValue: $0) ?? .never }
    }
}

extension ItemKey.Mode: Codable, DatabaseValueConvertible {
    /// A mode this version does not know (a newer Newsdesk wrote it) reads as `guid`.
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> ItemKey.Mode? {
        Int.fromDatabaseValue(dbValue).map { ItemKey.Mode(rawValue: $0) ?? .guid }
    }
}
