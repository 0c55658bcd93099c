import Foundation

/// How the clusterer weighs meaning: each item's vector (from the embeddings endpoint) and
/// script, the bar two items' vectors must clear, and how a story's vectors are summed and
/// compared with an item's or another story's (docs/STORIES.md, "Folding by meaning").
extension StoryClusterer {
    /// An item's vector and script (0: space-separated, 1: Chinese or Japanese).
    struct Meaning {
        var vector: [Float]
        var script: Int
        /// Whether the embedded text had an excerpt after its title.
        var excerpt: Bool
    }

    /// The item's meaning, if it has a vector of the index's dimension.
    func meaning(of item: ClusterItem) -> Meaning? {
        guard let vector = item.vector, vectorIndex.accepts(vector) else { return nil }
        return Meaning(vector: vector, script: Self.script(item), excerpt: item.summary.count >= Self.excerptMinimum)
    }

    /// An excerpt shorter than this hardly changes what is embedded.
    static let excerptMinimum = 20

    /// 1 when most of the item's letters are Chinese or Japanese, else 0.
    static func script(_ item: ClusterItem) -> Int {
        var cjk = 0
        var letters = 0
        for scalar in (item.title + " " + item.summary.prefix(200)).unicodeScalars where scalar.properties.isAlphabetic {
            letters += 1
            if TextFeatures.isUnsegmented(scalar) { cjk += 1 }
        }
        return letters > 0 && cjk * 2 >= letters ? 1 : 0
    }

    /// The bar an average cosine between texts of scripts `a` and `b` must clear.
    func meaningBar(_ a: Int, _ b: Int) -> Double {
        a != b ? parameters.meaningCross : a == 1 ? parameters.meaningCJK : parameters.meaningSame
    }

    func addMeaning(_ meaning: Meaning, to handle: Int) {
        let cluster = clusters[handle]
        vectorIndex.insert(meaning.vector, handle: handle)
        if var sum = cluster.vectorSums[meaning.script] {
            for index in sum.indices { sum[index] += meaning.vector[index] }
            cluster.vectorSums[meaning.script] = sum
        } else {
            cluster.vectorSums[meaning.script] = meaning.vector
        }
        cluster.vectorCounts[meaning.script] += 1
        if meaning.excerpt { cluster.excerptCounts[meaning.script] += 1 }
    }

    /// How far the item's average cosine with the story's items lies above their bars (each
    /// item's bar by its script), and whether all of them are in the other script; nil when the
    /// story has no vector.
    func meaningMargin(_ meaning: Meaning, _ cluster: Cluster) -> (margin: Double, cross: Bool)? {
        var total = 0.0
        var cross = true
        for script in 0..<2 {
            guard let sum = cluster.vectorSums[script] else { continue }
            let count = Double(cluster.vectorCounts[script])
            let excerpts = (meaning.excerpt ? 1 : 0) + Double(cluster.excerptCounts[script]) / count
            total +=
                Self.dot(meaning.vector, sum) - count * (meaningBar(meaning.script, script) + parameters.meaningExcerptShift * excerpts / 2)
            if script == meaning.script { cross = false }
        }
        let count = cluster.vectorTotal
        return count > 0 ? (total / Double(count), cross) : nil
    }

    /// The same between two stories: the average cosine over every pair of their items.
    func meaningMargin(_ a: Cluster, _ b: Cluster) -> (margin: Double, cross: Bool)? {
        var total = 0.0
        var cross = true
        for one in 0..<2 {
            guard let left = a.vectorSums[one] else { continue }
            for other in 0..<2 {
                guard let right = b.vectorSums[other] else { continue }
                let pairs = Double(a.vectorCounts[one] * b.vectorCounts[other])
                let excerpts =
                    Double(a.excerptCounts[one]) / Double(a.vectorCounts[one]) + Double(b.excerptCounts[other])
                    / Double(b.vectorCounts[other])
                let bar = meaningBar(one, other) + parameters.meaningMergeOffset + parameters.meaningExcerptShift * excerpts / 2
                total += Self.dot(left, right) - pairs * bar
                if one == other { cross = false }
            }
        }
        let pairs = a.vectorTotal * b.vectorTotal
        return pairs > 0 ? (total / Double(pairs), cross) : nil
    }

    /// One margin from the lexical one and the one by meaning: meaning weighs `meaningWeight`
    /// times; across scripts, where texts share few words by nature, lexical evidence counts
    /// only for, never against. Without vectors it is the lexical margin alone.
    func combine(_ lexical: Double, _ meaning: (margin: Double, cross: Bool)?) -> Double {
        guard let meaning else { return lexical }
        return parameters.meaningWeight * meaning.margin + max(lexical, meaning.cross ? 0 : parameters.meaningLexicalFloor)
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Double {
        var sum: Float = 0
        for index in 0..<min(a.count, b.count) { sum += a[index] * b[index] }
        return Double(sum)
    }
}
