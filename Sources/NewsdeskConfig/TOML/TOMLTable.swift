/// A TOML table: its keys in the order they were first written, each with its value and the
/// position of the key itself.
public struct TOMLTable: Sendable, Equatable {
    /// One key of the table.
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var keyPosition: TOMLPosition
        public var value: TOMLValue
    }

    public private(set) var entries: [Entry] = []
    private var indices: [String: Int] = [:]

    public init() {}

    /// The keys, in the order they were first written.
    public var keys: [String] { entries.map(\.key) }
    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    public subscript(key: String) -> TOMLValue? {
        indices[key].map { entries[$0].value }
    }

    /// Where `key` is written (for a key given as a dotted key, its last part).
    public func keyPosition(_ key: String) -> TOMLPosition? {
        indices[key].map { entries[$0].keyPosition }
    }

    /// Adds `key`, or replaces its value (the parser never adds a key twice).
    mutating func set(_ key: String, _ value: TOMLValue, keyPosition: TOMLPosition) {
        if let index = indices[key] {
            entries[index].value = value
        } else {
            indices[key] = entries.count
            entries.append(Entry(key: key, keyPosition: keyPosition, value: value))
        }
    }
}
