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
    /// The unit-length embedding of its title and excerpt start, if the endpoint gave one.
    public var vector: [Float]?

    public init(
        source: String, title: String, summary: String = "", canonicalLink: String? = nil, time: Date, vector: [Float]? = nil
    ) {
        self.source = source
        self.title = title
        self.summary = summary
        self.canonicalLink = canonicalLink
        self.time = time
        self.vector = vector
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
        /// Embedding cosine, averaged over a story's items, at which an item is on the fence,
        /// per pair of scripts (the scales differ: Chinese texts all look alike, texts in two
        /// languages all look apart): both in space-separated scripts ...
        public var meaningSame = 0.835
        /// ... both Chinese or Japanese ...
        public var meaningCJK = 0.88
        /// ... one of each.
        public var meaningCross = 0.80
        /// Added to a bar for texts with an excerpt (half for each of the two): a title with
        /// its excerpt carries more of the topic, so texts about related events sit closer.
        public var meaningExcerptShift = 0.01
        /// Lexical cosine points that one point of embedding cosine above its bar is worth.
        public var meaningWeight = 10.0
        /// Added to the bars when two stories (rather than an item and a story) are compared.
        public var meaningMergeOffset = 0.01
        /// The lowest lexical margin counted against a pair that meaning compares: texts that
        /// share no word (paraphrases) are not held to the full lexical bar.
        public var meaningLexicalFloor = -0.10

        public init() {}
    }

    /// A story under construction: term counts over its items, and its time span.
    final class Cluster {
        let key: String
        var counts: [Int32: Double] = [:]
        var items = 0
        var earliest: Date
        var latest: Date
        /// The centroid's norm and the item count N it was computed at (idf drifts as N grows).
        var norm = 0.0
        var normAt = -1
        /// The summed unit vectors of its items, per script (0: space-separated, 1: Chinese or
        /// Japanese), and how many: a dot product with a sum over its count is an average cosine.
        var vectorSums: [[Float]?] = [nil, nil]
        var vectorCounts = [0, 0]
        /// Of those, how many had an excerpt.
        var excerptCounts = [0, 0]
        var vectorTotal: Int { vectorCounts[0] + vectorCounts[1] }

        init(key: String, time: Date) {
            self.key = key
            earliest = time
            latest = time
        }
    }

    public let parameters: Parameters
    @exclusivity(unchecked) var termIDs: [String: Int32] = [:]
    @exclusivity(unchecked) var documentFrequency: [Int32] = []
    @exclusivity(unchecked) var itemCount = 0
    @exclusivity(unchecked) var clusters: [Cluster] = []
    // The fields below are touched for every item from one thread, never reentrantly: no
    // dynamic exclusivity checks (they cost a quarter of the time).
    /// Union-find over cluster handles: a merged cluster points at the one that absorbed it.
    @exclusivity(unchecked) private var parent: [Int] = []
    @exclusivity(unchecked) var postings: [[Int]] = []
    private var byLink: [String: Int] = [:]
    private var byKey: [String: Int] = [:]
    /// Merges since the last `drainMerges()`: (absorbed key, surviving key).
    private var pendingMerges: [(from: String, into: String)] = []
    @exclusivity(unchecked) private var stamp: [Int] = []
    /// Per story, the summed idf of the terms it shares with the item being placed.
    @exclusivity(unchecked) private var overlap: [Double] = []
    @exclusivity(unchecked) private var round = 0
    /// The items' vectors, for candidates by meaning.
    var vectorIndex = VectorIndex()
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
        let meaning = self.meaning(of: item)
        if let link = item.canonicalLink, let known = byLink[link] {
            let handle = find(known)
            if fits(clusters[handle], item.time, item.time) {
                join(handle, terms: terms, meaning: meaning, time: item.time)
                return mergeNeighbours(of: handle, near: terms.map(\.term), meaning: meaning)
            }
        }
        var best: Int?
        var bestMargin = 0.0
        let (vector, itemNorm) = weigh(terms)
        if itemNorm > 0 || meaning != nil {
            let found = candidates(terms.map(\.term), near: meaning?.vector, from: item.time, to: item.time, excluding: nil)
            for candidate in found {
                let cluster = clusters[candidate]
                var dot = 0.0
                for (term, weight) in vector { dot += weight * (cluster.counts[term] ?? 0) * idf(term) }
                let lexical = dot > 0 ? dot / (itemNorm * centroidNorm(cluster)) - bar(cluster.items) : nil
                let byMeaning = meaning.flatMap { meaningMargin($0, cluster) }
                guard lexical != nil || byMeaning != nil else { continue }
                let margin = combine(lexical ?? -bar(cluster.items), byMeaning)
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
            handle = newCluster(key: newKey(), time: item.time)
        }
        join(handle, terms: terms, meaning: meaning, time: item.time)
        if let link = item.canonicalLink { byLink[link] = handle }
        return clusters[handle].items > 1 ? mergeNeighbours(of: handle, near: terms.map(\.term), meaning: meaning) : handle
    }

    /// Puts an item back into the story `key` it was assigned before (after a restart), without
    /// deciding anything.
    public func restore(_ item: ClusterItem, key: String) {
        noteTime(item.time)
        let handle = byKey[key].map(find) ?? newCluster(key: key, time: item.time)
        let meaning = self.meaning(of: item)
        join(handle, terms: countTerms(item), meaning: meaning, time: item.time)
        if let link = item.canonicalLink { byLink[link] = handle }
    }

    /// Adds the vector of an item placed before it had one (the endpoint was down) to its story
    /// `key`, then merges that story with a neighbour it now matches; returns whether the story
    /// is known. Merges are reported by ``drainMerges()`` as usual.
    @discardableResult
    public func attach(_ item: ClusterItem, toStory key: String) -> Bool {
        guard let known = byKey[key], let meaning = self.meaning(of: item) else { return false }
        let handle = find(known)
        addMeaning(meaning, to: handle)
        var terms: [Int32] = []
        for token in TextFeatures.tokens(item.title) { if let id = termIDs[token] { terms.append(id) } }
        _ = mergeNeighbours(of: handle, near: terms, meaning: meaning)
        return true
    }

    private func newCluster(key: String, time: Date) -> Int {
        let handle = clusters.count
        clusters.append(Cluster(key: key, time: time))
        parent.append(handle)
        stamp.append(0)
        overlap.append(0)
        byKey[key] = handle
        return handle
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
        vectorIndex.remove { !live($0) }
        // Nothing can reach a stale story's terms or vectors any more: free them.
        for handle in clusters.indices where parent[handle] == handle && clusters[handle].latest < horizon {
            clusters[handle].counts = [:]
            clusters[handle].vectorSums = [nil, nil]
        }
    }

    // MARK: Stories

    private func join(_ handle: Int, terms: [(term: Int32, weight: Double)], meaning: Meaning?, time: Date) {
        let cluster = clusters[handle]
        if let meaning { addMeaning(meaning, to: handle) }
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
    /// cannot make each comparison cost more as the stream grows; then up to `maxCandidates`
    /// more whose items' vectors lie near `vector`.
    private func candidates(
        _ terms: some Sequence<Int32>, near vector: [Float]?, from earliest: Date, to latest: Date, excluding: Int?
    ) -> [Int] {
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
        if found.count > Self.maxCandidates {
            found.sort { overlap[$0] > overlap[$1] || (overlap[$0] == overlap[$1] && $0 < $1) }
            found.removeLast(found.count - Self.maxCandidates)
        }
        guard let vector else { return found }
        var kept = Set(found)
        for posted in vectorIndex.near(vector, limit: Self.maxCandidates) {
            let handle = find(posted)
            guard handle != excluding, !kept.contains(handle), fits(clusters[handle], earliest, latest) else { continue }
            kept.insert(handle)
            found.append(handle)
        }
        return found
    }

    static let maxCandidates = 64
    static let alwaysLookedUp = 64

    /// Merges `handle`'s story with the closest neighbour while one clears the merge bar. Only
    /// stories sharing a rare-enough term with the item that just joined (`terms`), or lying
    /// near its vector, are looked at: the story was already compared with all the others
    /// before that item changed it.
    private func mergeNeighbours(of handle: Int, near terms: [Int32], meaning: Meaning?) -> Int {
        var current = handle
        var terms = terms
        var vectors = meaning.map { [$0.vector] } ?? []
        while true {
            let cluster = clusters[current]
            var best: Int?
            var bestMargin = 0.0
            let norm = centroidNorm(cluster)
            var found = candidates(terms, near: nil, from: cluster.earliest, to: cluster.latest, excluding: current)
            for vector in vectors {
                for posted in vectorIndex.near(vector, limit: Self.maxCandidates) {
                    let other = find(posted)
                    if other != current, !found.contains(other), fits(clusters[other], cluster.earliest, cluster.latest) {
                        found.append(other)
                    }
                }
            }
            for candidate in found {
                let other = clusters[candidate]
                let (small, large) = other.counts.count < cluster.counts.count ? (other, cluster) : (cluster, other)
                var dot = 0.0
                for (term, count) in small.counts {
                    guard let otherCount = large.counts[term] else { continue }
                    let weight = idf(term)
                    dot += count * otherCount * weight * weight
                }
                let meaning = meaningMargin(cluster, other)
                guard dot > 0 || meaning != nil else { continue }
                let lexical = dot > 0 ? dot / (norm * centroidNorm(other)) - parameters.merge : -parameters.merge
                let margin = combine(lexical, meaning)
                if margin >= bestMargin, best == nil || margin > bestMargin {
                    best = candidate
                    bestMargin = margin
                }
            }
            guard let best else { return current }
            // After a merge the story holds both sides' terms and meaning: look for neighbours
            // of the absorbed one too.
            terms = Array(clusters[best].counts.keys)
            vectors = clusters[best].vectorSums.compactMap { $0 }
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
        for script in 0..<2 {
            guard let sum = gone.vectorSums[script] else { continue }
            if let kept = keep.vectorSums[script] {
                keep.vectorSums[script] = zip(kept, sum).map { $0 + $1 }
            } else {
                keep.vectorSums[script] = sum
            }
            keep.vectorCounts[script] += gone.vectorCounts[script]
            keep.excerptCounts[script] += gone.excerptCounts[script]
        }
        gone.vectorSums = [nil, nil]
        gone.vectorCounts = [0, 0]
        gone.excerptCounts = [0, 0]
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

/// Used by one thread at a time (its state is touched for every item).
@available(*, unavailable)
extension StoryClusterer: Sendable {}
