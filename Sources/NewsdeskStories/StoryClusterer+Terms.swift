import Foundation

/// How the clusterer weighs words: an item's terms (``TextFeatures``) with their weights, the
/// inverse document frequency over the stories it keeps, a story's centroid, and the lexical bar
/// an item must clear to join one (docs/STORIES.md).
extension StoryClusterer {
    /// Counts the item in the document frequencies and returns its distinct terms with their
    /// weights (1 for headline words, 0.5 for summary-only words).
    func countTerms(_ item: ClusterItem) -> [(term: Int32, weight: Double)] {
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
    func idf(_ term: Int32) -> Double {
        log(Double(itemCount + 1) / Double(documentFrequency[Int(term)] + 1)) + 1
    }

    func weigh(_ terms: [(term: Int32, weight: Double)]) -> ([(Int32, Double)], Double) {
        let vector = terms.map { ($0.term, $0.weight * idf($0.term)) }
        return (vector, sqrt(vector.reduce(0) { $0 + $1.1 * $1.1 }))
    }

    /// The centroid's norm (count × idf per term), recomputed when the story changed or the
    /// item count grew by more than 2% since (idf moves slowly with it).
    func centroidNorm(_ cluster: Cluster) -> Double {
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

    func bar(_ items: Int) -> Double {
        parameters.joinLarge + (parameters.joinSingle - parameters.joinLarge) / sqrt(Double(max(items, 1)))
    }
}
