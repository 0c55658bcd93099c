import Foundation

/// An item as clustering sees it.
public struct ClusterItem: Sendable {
    /// The feed (or source) that carries it.
    public var source: String
    /// The headline: its words weigh fully.
    public var title: String
    /// The summary excerpt: its words not in the title weigh half (a summary says more, and
    /// more loosely, than a headline); only its first 60 words count.
    public var summary: String
    public var canonicalLink: String?
    /// When it happened, as well as Newsdesk can tell: the claimed date, never later than when
    /// the item was first seen.
    public var time: Date

    public init(source: String, title: String, summary: String = "", canonicalLink: String? = nil, time: Date) {
        self.source = source
        self.title = title
        self.summary = summary
        self.canonicalLink = canonicalLink
        self.time = time
    }
}

/// Groups items about the same event into stories, one item at a time (docs/STORIES.md).
///
/// Each item is compared with the *centroids* of the stories that share a rare-enough term with
/// it (an inverted index, so the cost grows with the number of items, not its square), and joins
/// the one it matches best if the cosine clears a bar that falls as stories grow; otherwise it
/// starts a story. A story that grows is then compared, centroid to centroid, with its
/// neighbours, and merged with one that is close enough. Every story's items lie within
/// `window` of each other. Comparing with centroids, never with single members, keeps chains
/// (A~B, B~C) from gluing unrelated stories together.
///
/// Not `Sendable`: one owner feeds it items in order.
public final class StoryClusterer {
    /// The tuned values (on the labelled UCI headlines; see docs/STORIES.md).
    public struct Parameters: Sendable {
        /// Cosine an item needs to join a story of one item ...
        public var joinSingle = 0.30
        /// ... falling towards this for large stories: bar(n) = joinLarge + (joinSingle − joinLarge) / √n.
        public var joinLarge = 0.10
        /// Centroid cosine at which two stories merge.
        public var merge = 0.20
        /// Terms used to find candidates: document frequency at most max(3, this × items seen).
        public var candidateDF = 0.05
        /// All items of a story lie within this span.
        public var window: TimeInterval = 48 * 3_600

        public init() {}
    }

    /// A story under construction: term counts over its items, and its time span.
    private final class Cluster {
        let key: String
        var counts: [Int32: Double] = [:]
        var items = 0
        var earliest: Date
        var latest: Date
        /// The centroid's norm and the item count N it was computed at (idf drifts as N grows).
        var norm = 0.0
        var normAt = -1

        init(key: String, time: Date) {
            self.key = key
            earliest = time
            latest = time
        }
    }

    public let parameters: Parameters
    @exclusivity(unchecked) private var termIDs: [String: Int32] = [:]
    @exclusivity(unchecked) private var documentFrequency: [Int32] = []
    @exclusivity(unchecked) private var itemCount = 0
    @exclusivity(unchecked) private var clusters: [Cluster] = []
    // The fields below are touched for every item from one thread, never reentrantly: no
    // dynamic exclusivity checks (they cost a quarter of the time).
    /// Union-find over cluster handles: a merged cluster points at the one that absorbed it.
    @exclusivity(unchecked) private var parent: [Int] = []
    @exclusivity(unchecked) private var postings: [[Int]] = []
    private var byLink: [String: Int] = [:]
    private var byKey: [String: Int] = [:]
    /// Merges since the last `drainMerges()`: (absorbed key, surviving key).
    private var pendingMerges: [(from: String, into: String)] = []
    @exclusivity(unchecked) private var stamp: [Int] = []
    /// Per story, the summed idf of the terms it shares with the item being placed.
    @exclusivity(unchecked) private var overlap: [Double] = []
    @exclusivity(unchecked) private var round = 0
    /// The latest item time seen, and items added since the last sweep of stale stories.
    private var newest = Date.distantPast
    private var sinceSweep = 0

    public init(parameters: Parameters = Parameters()) {
        self.parameters = parameters
    }

    /// Adds `item`, returning a handle whose story ``key(of:)`` tells (merges may change it later).
    /// `newKey` names a story if the item starts one.
    @discardableResult
    public func add(_ item: ClusterItem, newKey: @autoclosure () -> String) -> Int {
        noteTime(item.time)
        let terms = countTerms(item)
        if let link = item.canonicalLink, let known = byLink[link] {
            let handle = find(known)
            if fits(clusters[handle], item.time, item.time) {
                join(handle, terms: terms, time: item.time)
                return mergeNeighbours(of: handle, near: terms.map(\.term))
            }
        }
        var best: Int?
        var bestMargin = 0.0
        let (vector, itemNorm) = weigh(terms)
        if itemNorm > 0 {
            for candidate in candidates(terms.map(\.term), from: item.time, to: item.time, excluding: nil) {
                let cluster = clusters[candidate]
                var dot = 0.0
                for (term, weight) in vector { dot += weight * (cluster.counts[term] ?? 0) * idf(term) }
                guard dot > 0 else { continue }
                let cosine = dot / (itemNorm * centroidNorm(cluster))
                let margin = cosine - bar(cluster.items)
                if margin >= bestMargin, best == nil || margin > bestMargin {
                    best = candidate
                    bestMargin = margin
                }
            }
        }
        let handle: Int
        if let best {
            handle = best
        } else {
            handle = clusters.count
            let key = newKey()
            clusters.append(Cluster(key: key, time: item.time))
            parent.append(handle)
            stamp.append(0)
            overlap.append(0)
            byKey[key] = handle
        }
        join(handle, terms: terms, time: item.time)
        if let link = item.canonicalLink { byLink[link] = handle }
        return clusters[handle].items > 1 ? mergeNeighbours(of: handle, near: terms.map(\.term)) : handle
    }

    /// Puts an item back into the story `key` it was assigned before (after a restart), without
    /// deciding anything.
    public func restore(_ item: ClusterItem, key: String) {
        noteTime(item.time)
        let handle: Int
        if let known = byKey[key] {
            handle = find(known)
        } else {
            handle = clusters.count
            clusters.append(Cluster(key: key, time: item.time))
            parent.append(handle)
            stamp.append(0)
            overlap.append(0)
            byKey[key] = handle
        }
        join(handle, terms: countTerms(item), time: item.time)
        if let link = item.canonicalLink { byLink[link] = handle }
    }

    /// The story key a handle belongs to now.
    public func key(of handle: Int) -> String { clusters[find(handle)].key }

    /// The merges decided since the last call: every item of `from` now belongs to `into`.
    public func drainMerges() -> [(from: String, into: String)] {
        defer { pendingMerges.removeAll() }
        return pendingMerges
    }

    // MARK: Forgetting

    /// Every 4,096 items, stories whose newest item is more than two windows behind the newest
    /// time seen leave the index (an item that old can no longer join them in practice), so the
    /// cost per item stays flat however long the stream.
    private func noteTime(_ time: Date) {
        newest = max(newest, time)
        sinceSweep += 1
        guard sinceSweep >= 4_096 else { return }
        sinceSweep = 0
        let horizon = newest.addingTimeInterval(-2 * parameters.window)
        func live(_ handle: Int) -> Bool { clusters[find(handle)].latest >= horizon }
        for term in postings.indices where !postings[term].isEmpty {
            postings[term].removeAll { !live($0) }
        }
        byLink = byLink.filter { live($0.value) }
    }

    // MARK: Terms and weights

    /// Counts the item in the document frequencies and returns its distinct terms with their
    /// weights (1 for headline words, 0.5 for summary-only words).
    private func countTerms(_ item: ClusterItem) -> [(term: Int32, weight: Double)] {
        var weights: [Int32: Double] = [:]
        for (text, weight, limit) in [(item.title, 1.0, Int.max), (item.summary, Self.summaryWeight, Self.summaryWords)] {
            for token in TextFeatures.tokens(text).prefix(limit) {
                let id: Int32
                if let known = termIDs[token] {
                    id = known
                } else {
                    id = Int32(documentFrequency.count)
                    termIDs[token] = id
                    documentFrequency.append(0)
                    postings.append([])
                }
                weights[id] = max(weights[id] ?? 0, weight)
            }
        }
        itemCount += 1
        for id in weights.keys { documentFrequency[Int(id)] += 1 }
        return weights.map { (term: $0.key, weight: $0.value) }
    }

    static let summaryWeight = 0.5
    static let summaryWords = 60

    /// Smoothed inverse document frequency, from the items seen so far.
    private func idf(_ term: Int32) -> Double {
        log(Double(itemCount + 1) / Double(documentFrequency[Int(term)] + 1)) + 1
    }

    private func weigh(_ terms: [(term: Int32, weight: Double)]) -> ([(Int32, Double)], Double) {
        let vector = terms.map { ($0.term, $0.weight * idf($0.term)) }
        return (vector, sqrt(vector.reduce(0) { $0 + $1.1 * $1.1 }))
    }

    /// The centroid's norm (count × idf per term), recomputed when the story changed or the
    /// item count grew by more than 2% since (idf moves slowly with it).
    private func centroidNorm(_ cluster: Cluster) -> Double {
        if cluster.normAt < 0 || Double(itemCount - cluster.normAt) > 0.02 * Double(cluster.normAt) {
            var sum = 0.0
            for (term, count) in cluster.counts {
                let weight = count * idf(term)
                sum += weight * weight
            }
            cluster.norm = sqrt(sum)
            cluster.normAt = itemCount
        }
        return cluster.norm
    }

    private func bar(_ items: Int) -> Double {
        parameters.joinLarge + (parameters.joinSingle - parameters.joinLarge) / sqrt(Double(max(items, 1)))
    }

    // MARK: Stories

    private func join(_ handle: Int, terms: [(term: Int32, weight: Double)], time: Date) {
        let cluster = clusters[handle]
        for (term, weight) in terms {
            if cluster.counts[term] == nil { postings[Int(term)].append(handle) }
            cluster.counts[term, default: 0] += weight
        }
        cluster.items += 1
        cluster.earliest = min(cluster.earliest, time)
        cluster.latest = max(cluster.latest, time)
        cluster.normAt = -1
    }

    private func fits(_ cluster: Cluster, _ earliest: Date, _ latest: Date) -> Bool {
        max(cluster.latest, latest).timeIntervalSince(min(cluster.earliest, earliest)) <= parameters.window
    }

    /// Live stories sharing a rare-enough term with `terms` whose span stays within the window:
    /// the `maxCandidates` sharing the most (by summed idf), so a stream of look-alike items
    /// cannot make each comparison cost more as the stream grows.
    private func candidates(_ terms: some Sequence<Int32>, from earliest: Date, to latest: Date, excluding: Int?) -> [Int] {
        round += 1
        let limit = max(3, Int(parameters.candidateDF * Double(itemCount)))
        // The rare-enough terms, and the three rarest if no more frequent than `alwaysLookedUp`
        // (a young stream, or an item of common words only, must still find its neighbours;
        // the bound keeps a word every item carries from making each lookup scan every story).
        let byRarity = terms.sorted { documentFrequency[Int($0)] < documentFrequency[Int($1)] }
        let lookup = byRarity.enumerated().filter { entry in
            let frequency = Int(documentFrequency[Int(entry.element)])
            return frequency <= limit || (entry.offset < 3 && frequency <= Self.alwaysLookedUp)
        }.map(\.element)
        var found: [Int] = []
        for term in lookup {
            let weight = idf(term)
            for posted in postings[Int(term)] {
                let handle = find(posted)
                if stamp[handle] != round {
                    stamp[handle] = round
                    guard handle != excluding, fits(clusters[handle], earliest, latest) else {
                        overlap[handle] = -.infinity
                        continue
                    }
                    overlap[handle] = 0
                    found.append(handle)
                }
                overlap[handle] += weight
            }
        }
        guard found.count > Self.maxCandidates else { return found }
        found.sort { overlap[$0] > overlap[$1] || (overlap[$0] == overlap[$1] && $0 < $1) }
        return Array(found.prefix(Self.maxCandidates))
    }

    static let maxCandidates = 64
    static let alwaysLookedUp = 64

    /// Merges `handle`'s story with the closest neighbour while one clears the merge bar. Only
    /// stories sharing a rare-enough term with the item that just joined (`terms`) are looked at:
    /// the story was already compared with all the others before that item changed it.
    private func mergeNeighbours(of handle: Int, near terms: [Int32]) -> Int {
        var current = handle
        var terms = terms
        while true {
            let cluster = clusters[current]
            var best: Int?
            var bestCosine = parameters.merge
            let norm = centroidNorm(cluster)
            for candidate in candidates(terms, from: cluster.earliest, to: cluster.latest, excluding: current) {
                let other = clusters[candidate]
                let (small, large) = other.counts.count < cluster.counts.count ? (other, cluster) : (cluster, other)
                var dot = 0.0
                for (term, count) in small.counts {
                    guard let otherCount = large.counts[term] else { continue }
                    let weight = idf(term)
                    dot += count * otherCount * weight * weight
                }
                let cosine = dot / (norm * centroidNorm(other))
                if cosine >= bestCosine, best == nil || cosine > bestCosine {
                    best = candidate
                    bestCosine = cosine
                }
            }
            guard let best else { return current }
            // After a merge the story holds both sides' terms: look for neighbours of the absorbed one too.
            terms = Array(clusters[best].counts.keys)
            current = absorb(best, current)
        }
    }

    /// Merges two stories; the older one (created first) survives, so published ids stay.
    private func absorb(_ a: Int, _ b: Int) -> Int {
        let (survivor, absorbed) = a < b ? (a, b) : (b, a)
        let keep = clusters[survivor]
        let gone = clusters[absorbed]
        if gone.counts.count > keep.counts.count { swap(&keep.counts, &gone.counts) }
        for (term, count) in gone.counts {
            if keep.counts[term] == nil { postings[Int(term)].append(survivor) }
            keep.counts[term, default: 0] += count
        }
        gone.counts = [:]
        keep.items += gone.items
        keep.earliest = min(keep.earliest, gone.earliest)
        keep.latest = max(keep.latest, gone.latest)
        keep.normAt = -1
        parent[absorbed] = survivor
        pendingMerges.append((gone.key, keep.key))
        return survivor
    }

    private func find(_ handle: Int) -> Int {
        var root = handle
        while parent[root] != root { root = parent[root] }
        var node = handle
        while parent[node] != root {
            let next = parent[node]
            parent[node] = root
            node = next
        }
        return root
    }
}
