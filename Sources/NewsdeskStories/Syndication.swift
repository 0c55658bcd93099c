import Foundation

/// Tells wire copy from independent reporting among a story's sources: five outlets printing
/// the same agency text are one report, not five.
///
/// Two sources carry the same text when their titles and excerpts share most of their
/// shingles (runs of `shingle` consecutive tokens from ``TextFeatures/tokens(_:dropStopWords:)``:
/// words, or character bigrams for Chinese, Japanese and Thai). The similarity is the number of
/// shared shingles over the smaller text's count (never less than `floor`), so a truncated
/// excerpt, an outlet's suffix or an "UPDATE 2-" prefix still match, while two independent
/// reports of one event, which share names and numbers but not long runs of words, do not.
///
/// Sources are taken in the order they were first seen (then by feed URL), and each is compared
/// only with the originals before it, through an index of their shingles: the cost grows with
/// the number of sources times the length of their texts (a title and an excerpt of at most 280
/// characters), not with the number of pairs, and a later source never changes how the
/// earlier ones are grouped. Deterministic: the same sources always give the same answer.
public enum Syndication {
    /// How alike two texts must be to count as one (measured by
    /// `Benchmarks/syndication-threshold.py`; see docs/STORIES.md).
    public struct Parameters: Sendable, Equatable {
        /// Tokens per shingle.
        public var shingle = 3
        /// Sources at or above this similarity carry the same text.
        public var threshold = 0.6
        /// The least divisor of the shared shingles: two short headlines sharing a few words are
        /// not taken for one text.
        public var floor = 6

        public init() {}
    }

    /// For each of `sources` (in the order given), the feed URL of the earlier source whose text
    /// it copies, or nil when it is an independent report (the first of its text).
    public static func copies(among sources: [StorySource], parameters: Parameters = Parameters()) -> [String?] {
        let order = sources.indices.sorted { a, b in
            (sources[a].firstSeen, sources[a].feedURL) < (sources[b].firstSeen, sources[b].feedURL)
        }
        var originals: [(source: Int, size: Int)] = []
        var postings: [UInt64: [Int]] = [:]  // shingle -> the originals (positions in `originals`) with it
        var copyOf = [String?](repeating: nil, count: sources.count)
        for index in order {
            let text = shingles(title: sources[index].title, excerpt: sources[index].excerpt, length: parameters.shingle)
            var shared: [Int: Int] = [:]
            for shingle in text {
                for original in postings[shingle] ?? [] { shared[original, default: 0] += 1 }
            }
            // The most similar original above the bar; on a tie, the earliest.
            var best: (original: Int, similarity: Double)?
            for (original, count) in shared {
                let similarity = Double(count) / Double(max(min(text.count, originals[original].size), parameters.floor, 1))
                guard similarity >= parameters.threshold else { continue }
                if let current = best, current.similarity > similarity || (current.similarity == similarity && current.original < original)
                {
                    continue
                }
                best = (original, similarity)
            }
            if let best {
                copyOf[index] = sources[originals[best.original].source].feedURL
            } else {
                for shingle in text { postings[shingle, default: []].append(originals.count) }
                originals.append((index, text.count))
            }
        }
        return copyOf
    }

    /// How alike two titles and excerpts are, 0-1, as ``copies(among:parameters:)`` measures it.
    public static func similarity(
        _ a: (title: String?, excerpt: String?), _ b: (title: String?, excerpt: String?), parameters: Parameters = Parameters()
    ) -> Double {
        let first = shingles(title: a.title, excerpt: a.excerpt, length: parameters.shingle)
        let second = shingles(title: b.title, excerpt: b.excerpt, length: parameters.shingle)
        let shared = Set(first).intersection(second).count
        return Double(shared) / Double(max(min(first.count, second.count), parameters.floor, 1))
    }

    /// The distinct shingles of a title and an excerpt, as hashes. The two are shingled apart,
    /// so a copy with a new headline still shares every shingle of its excerpt.
    static func shingles(title: String?, excerpt: String?, length: Int) -> Set<UInt64> {
        var hashes = Set<UInt64>()
        for part in [title, excerpt] {
            guard let part else { continue }
            let tokens = TextFeatures.tokens(part, dropStopWords: false)
            guard !tokens.isEmpty else { continue }
            // A part shorter than a shingle is one shingle of all its tokens.
            let width = min(max(length, 1), tokens.count)
            for start in 0...(tokens.count - width) { hashes.insert(hash(tokens[start..<(start + width)])) }
        }
        return hashes
    }

    /// FNV-1a over the tokens' UTF-8, a separator between them: the same in every process
    /// (Swift's `Hasher` is seeded anew at each launch).
    private static func hash(_ tokens: ArraySlice<String>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for token in tokens {
            for byte in token.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            hash ^= 0x1f
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
