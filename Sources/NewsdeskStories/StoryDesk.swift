import Foundation
import NewsdeskBase
import NewsdeskConfig
import NewsdeskStore

/// What one story update did.
public struct StoryUpdate: Sendable, Equatable {
    /// Items placed in a story, stories started, stories merged into others.
    public var assigned = 0
    public var started = 0
    public var merged = 0
    /// Items placed before their vector came, whose vector has now joined their story.
    public var refolded = 0

    public init() {}
}

/// The story stage between the store and publishing: puts new items into stories and ranks
/// the stories of a window with their scores.
public struct StoryDesk {
    public let config: Config
    public let store: StateStore

    public init(config: Config, store: StateStore) {
        self.config = config
        self.store = store
    }

    /// Clusters every stored item that is not in a story yet, in the order they were first seen,
    /// against the stories of the preceding `cluster_window`; `batch` items at a time, each
    /// batch stored in one transaction (memory stays flat however many items wait); `shouldStop`
    /// is asked between batches, and `progress` hears what is done after each.
    ///
    /// Without `memory` the clusterer is rebuilt from the stored items of the window each time.
    /// A long-running process passes the same `memory` to every update: the clusterer is kept
    /// between updates and only the new items are clustered, unless another process wrote to
    /// the database meanwhile or the kept one is older than `cluster_window` at `now` (then it is
    /// rebuilt, as it would be without memory).
    @discardableResult
    public func update(
        batch: Int = 5_000, memory: StoryMemory? = nil, now: Date = Date(), shouldStop: () -> Bool = { false },
        progress: (StoryUpdate) -> Void = { _ in }
    ) throws(StoreError) -> StoryUpdate {
        var pending = try store.unassignedItems(limit: batch)
        let waiting = try config.embeddings.map { settings throws(StoreError) in
            try !store.unfoldedEmbeddings(model: settings.model, limit: 1).isEmpty
        }
        guard !pending.isEmpty || waiting == true else { return StoryUpdate() }
        var parameters = StoryClusterer.Parameters()
        parameters.window = config.settings.clusterWindow.timeInterval
        let model = config.embeddings?.model
        // Taken out while in use: should a batch fail to be stored, no half-updated clusterer stays.
        let kept = try memory?.take(for: store, window: parameters.window, model: model, now: now)
        let clusterer = kept?.clusterer ?? StoryClusterer(parameters: parameters)
        if kept == nil {
            memory?.builds += 1
            let since = (pending.first?.firstSeen ?? now).addingTimeInterval(-parameters.window)
            // Vectors that arrived after their item was placed are left out here: the refold
            // below adds them, once.
            let vectors = try model.map { model throws(StoreError) in try store.foldedEmbeddings(model: model, since: since) } ?? [:]
            for item in try store.assignedItems(since: since) {
                guard let story = item.storyID else { continue }
                clusterer.restore(Self.clusterItem(item, vector: vectors[item.id]), key: story)
            }
        }
        var update = StoryUpdate()
        var created = Set<String>()
        var mergedAway = Set<String>()
        func newStory(_ id: String) -> String {
            created.insert(id)
            return id
        }
        while !pending.isEmpty && !shouldStop() {
            let vectors = try model.map { model throws(StoreError) in try store.embeddings(of: pending.map(\.id), model: model) } ?? [:]
            let handles = pending.map { item in
                (item, clusterer.add(Self.clusterItem(item, vector: vectors[item.id]), newKey: newStory(Self.storyID(for: item))))
            }
            let assignments = handles.map { (itemID: $0.0.id, storyID: clusterer.key(of: $0.1), firstSeen: $0.0.firstSeen) }
            let merges = clusterer.drainMerges()
            try store.assign(assignments, merges: merges, folded: Array(vectors.keys))
            update.assigned += assignments.count
            update.merged += merges.count
            mergedAway.formUnion(merges.map(\.from))
            progress(update)
            pending = try store.unassignedItems(limit: batch)
        }
        // Items placed lexically while the endpoint was away, whose vectors came since: each
        // vector joins its story, which may then merge with a neighbour by meaning.
        while let model, !shouldStop() {
            let waiting = try store.unfoldedEmbeddings(model: model, limit: batch)
            guard !waiting.isEmpty else { break }
            for (item, vector) in waiting {
                guard let story = item.storyID else { continue }
                clusterer.attach(Self.clusterItem(item, vector: vector), toStory: story)
            }
            let merges = clusterer.drainMerges()
            try store.assign([], merges: merges, folded: waiting.map(\.item.id))
            update.refolded += waiting.count
            update.merged += merges.count
            mergedAway.formUnion(merges.map(\.from))
        }
        update.started = created.subtracting(mergedAway).count
        try memory?.keep(clusterer, built: kept?.built ?? now, for: store, window: parameters.window, model: model)
        return update
    }

    /// The stories with new coverage since `now − window`, scored, best first, `top` of them
    /// at most with at most `per_source_top` led by one feed. Nothing is written: a ranking reads.
    public func ranking(now: Date, window: TimeInterval? = nil, top: Int? = nil) throws(StoreError) -> [RankedStory] {
        let span = window ?? config.settings.window.timeInterval
        // Items first seen at `now` itself count: the range's end is exclusive.
        return try ranking(from: now.addingTimeInterval(-span), to: now.addingTimeInterval(0.001), top: top)
    }

    /// The stories with new coverage (by when Newsdesk first saw it) in `from..<to`, as they
    /// stood at `to`, scored at `to`. Only the items of the config's feeds count: a feed removed
    /// from the config leaves the rankings at once (its items stay stored until retention).
    public func ranking(from: Date, to now: Date, top: Int? = nil) throws(StoreError) -> [RankedStory] {
        let feeds = Dictionary(config.feeds.map { ($0.url, $0) }, uniquingKeysWith: { first, _ in first })
        let titles = try store.feedsByURL().compactMapValues(\.title)
        let scorer = Scorer(halfLife: config.settings.halfLife.timeInterval, rules: config.rules)
        var ranked: [RankedStory] = []
        for entry in try store.storiesWithCoverage(from: from, to: now, feedURLs: config.feeds.map(\.url)) {
            guard let story = Self.story(entry.id, items: entry.items, feeds: feeds, titles: titles, lastUpdated: entry.lastUpdated)
            else { continue }
            ranked.append(RankedStory(story: story, score: scorer.score(story, now: now)))
        }
        return Ranking.top(ranked, count: top ?? config.settings.top, perSource: config.settings.perSourceTop)
    }

    /// A story from its items: one source per feed (its earliest item), the representative
    /// first (highest weight, then earliest seen), the copies of another source's wire text
    /// marked (``Syndication``).
    static func story(
        _ id: String, items: [StoryItem], feeds: [String: FeedConfig], titles: [String: String], lastUpdated: Date
    ) -> Story? {
        var sources: [StorySource] = []
        for item in items where !sources.contains(where: { $0.feedURL == item.feedURL }) {
            let feed = feeds[item.feedURL]
            sources.append(
                StorySource(
                    feedURL: item.feedURL, name: feed?.name ?? titles[item.feedURL] ?? PublicFeedURL.redacted(item.feedURL),
                    weight: feed?.weight ?? 1,
                    tags: feed?.tags ?? [], link: item.link, title: item.title, excerpt: item.excerpt, firstSeen: item.firstSeen,
                    published: item.published))
        }
        for (index, original) in Syndication.copies(among: sources).enumerated() { sources[index].copyOf = original }
        // Highest weight first, then earliest seen, then the config's order (fetches finish in any order).
        sources.sort { a, b in
            if a.weight != b.weight { return a.weight > b.weight }
            if a.firstSeen != b.firstSeen { return a.firstSeen < b.firstSeen }
            return (feeds[a.feedURL]?.line ?? .max, a.feedURL) < (feeds[b.feedURL]?.line ?? .max, b.feedURL)
        }
        guard let lead = sources.first, let firstSeen = items.map(\.firstSeen).min() else { return nil }
        return Story(
            id: id, title: lead.title ?? "(untitled)", link: lead.link, excerpt: lead.excerpt, sources: sources,
            firstSeen: firstSeen, lastUpdated: lastUpdated)
    }

    static func clusterItem(_ item: StoryItem, vector: [Float]? = nil) -> ClusterItem {
        let time = min(item.published ?? item.firstSeen, item.firstSeen)
        return ClusterItem(
            source: item.feedURL, title: item.title ?? "", summary: item.excerpt ?? "", canonicalLink: item.canonicalLink, time: time,
            vector: vector)
    }

    /// A new story is named after the item that started it: stable across restarts.
    static func storyID(for item: StoryItem) -> String {
        "story-" + ContentHash.hex((item.feedURL + "\n" + item.key).utf8)
    }
}

/// The story clusterer a long-running process keeps between updates (see
/// ``StoryDesk/update(batch:memory:now:shouldStop:)``). It is valid only while nobody else writes to
/// the database: it remembers SQLite's `data_version` of the store's writing connection, which
/// changes when another connection commits, and hands the clusterer back only if it has not.
/// It is also rebuilt once per `cluster_window`: a clusterer keeps every story it ever made (it
/// only stops looking stale ones up), so one kept for months would grow without end, while one
/// rebuilt from the store holds only the stories of the window.
public final class StoryMemory {
    private var clusterer: StoryClusterer?
    private var mark: (store: StateStore, dataVersion: Int, window: TimeInterval, model: String?, built: Date)?
    /// How many times a clusterer was built from the store (read by the tests).
    var builds = 0

    public init() {}

    /// The kept clusterer and when it was built, if it still matches the database and is younger
    /// than `window` (and not built after `now`); either way the memory is empty after.
    func take(
        for store: StateStore, window: TimeInterval, model: String?, now: Date
    ) throws(StoreError) -> (clusterer: StoryClusterer, built: Date)? {
        defer { (clusterer, mark) = (nil, nil) }
        // Built "later" than now: the clock went back, and the kept stories' times are wrong.
        guard let clusterer, let mark, mark.store === store, mark.window == window, mark.model == model,
            now >= mark.built, now.timeIntervalSince(mark.built) < window
        else {
            return nil
        }
        return try store.dataVersion() == mark.dataVersion ? (clusterer, mark.built) : nil
    }

    func keep(_ clusterer: StoryClusterer, built: Date, for store: StateStore, window: TimeInterval, model: String?) throws(StoreError) {
        mark = (store, try store.dataVersion(), window, model, built)
        self.clusterer = clusterer
    }
}

/// Used by one thread at a time: the daemon's loop.
@available(*, unavailable)
extension StoryMemory: Sendable {}
