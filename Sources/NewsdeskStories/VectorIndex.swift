import Foundation

/// Approximate nearest neighbours among the window's item vectors, so that placing an item
/// costs the same however many items came before: random-hyperplane hashing (each table keys a
/// vector by which side of `bits` random hyperplanes it falls on; vectors close in angle share a
/// key in some table).
///
/// Sentence embeddings all lie in a narrow cone, so raw vectors would mostly share one key:
/// they are hashed after subtracting the mean of the first `calibration` vectors, which spreads
/// them over the keys. Until that many have arrived every vector is simply returned (a few
/// hundred comparisons).
///
/// Entries are opaque `Int` handles; ``remove(where:)`` drops the ones that went stale.
struct VectorIndex {
    let tables: Int
    let bits: Int
    let calibration: Int
    private(set) var dimension: Int?
    private var planes: [[Float]] = []
    private var mean: [Float]?
    /// Before calibration: every entry; after, one dictionary per table from key to entries.
    private var early: [(handle: Int, vector: [Float])] = []
    private var buckets: [[UInt64: [Int]]]

    init(tables: Int = 16, bits: Int = 10, calibration: Int = 256) {
        self.tables = tables
        self.bits = bits
        self.calibration = calibration
        buckets = Array(repeating: [:], count: tables)
    }

    /// Whether `vector` has the index's dimension (the first vector's).
    func accepts(_ vector: [Float]) -> Bool { dimension == nil || dimension == vector.count }

    mutating func insert(_ vector: [Float], handle: Int) {
        guard accepts(vector) else { return }
        if dimension == nil { start(vector.count) }
        guard mean != nil else {
            early.append((handle, vector))
            if early.count >= calibration { calibrate() }
            return
        }
        for (table, key) in keys(vector).enumerated() { buckets[table][key, default: []].append(handle) }
    }

    /// The handles sharing a key with `vector` in any table, most shared first, at most `limit`.
    func near(_ vector: [Float], limit: Int) -> [Int] {
        guard accepts(vector), dimension != nil else { return [] }
        guard mean != nil else { return early.map(\.handle) }
        var hits: [Int: Int] = [:]
        for (table, key) in keys(vector).enumerated() {
            for handle in buckets[table][key] ?? [] { hits[handle, default: 0] += 1 }
        }
        guard hits.count > limit else { return Array(hits.keys) }
        return hits.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(limit).map(\.key)
    }

    /// Drops every entry `stale` says is stale.
    mutating func remove(where stale: (Int) -> Bool) {
        early.removeAll { stale($0.handle) }
        for table in buckets.indices {
            for (key, handles) in buckets[table] {
                let kept = handles.filter { !stale($0) }
                buckets[table][key] = kept.isEmpty ? nil : kept
            }
        }
    }

    private mutating func start(_ dimension: Int) {
        self.dimension = dimension
        // A fixed seed: the same stream always gives the same keys, so stories are reproducible.
        var generator = SplitMix64(seed: 0x6E65_7773_6465_736B)
        planes = (0..<(tables * bits)).map { _ in (0..<dimension).map { _ in Float(generator.nextGaussian()) } }
    }

    private mutating func calibrate() {
        guard let dimension else { return }
        var sum = [Float](repeating: 0, count: dimension)
        for entry in early {
            for index in 0..<dimension { sum[index] += entry.vector[index] }
        }
        mean = sum.map { $0 / Float(early.count) }
        let pending = early
        early = []
        for entry in pending {
            for (table, key) in keys(entry.vector).enumerated() { buckets[table][key, default: []].append(entry.handle) }
        }
    }

    private func keys(_ vector: [Float]) -> [UInt64] {
        guard let mean else { return [] }
        let centered = zip(vector, mean).map { $0 - $1 }
        return (0..<tables).map { table in
            var key: UInt64 = 0
            for bit in 0..<bits {
                let plane = planes[table * bits + bit]
                var dot: Float = 0
                for index in centered.indices { dot += centered[index] * plane[index] }
                if dot > 0 { key |= 1 << UInt64(bit) }
            }
            return key
        }
    }
}

/// A small, fast, seedable generator (SplitMix64), for the index's fixed hyperplanes (and the
/// benchmarks' reproducible streams).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal draw (Box-Muller), so the hyperplanes point every way alike.
    public mutating func nextGaussian() -> Double {
        let u = (Double(next() >> 11) + 0.5) / Double(1 << 53)
        let v = Double(next() >> 11) / Double(1 << 53)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
