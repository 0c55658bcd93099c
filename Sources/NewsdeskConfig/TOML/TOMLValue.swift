import NewsdeskBase

/// One TOML value and the position where it starts in the text (for a table made by a header,
/// the header; for one made by a dotted key, that key).
///
/// A value type: a document and everything in it can be shared between threads.
public struct TOMLValue: Sendable, Equatable {
    /// What the value is, with its contents.
    public enum Kind: Sendable, Equatable {
        case string(String)
        case integer(Int64)
        case float(Double)
        case boolean(Bool)
        /// An offset or local date-time, a local date or a local time.
        case dateTime(TOMLDateTime)
        case array([TOMLValue])
        case table(TOMLTable)
    }

    public var kind: Kind
    public var position: TOMLPosition

    public init(_ kind: Kind, at position: TOMLPosition) {
        self.kind = kind
        self.position = position
    }

    public var string: String? {
        if case .string(let text) = kind { return text }
        return nil
    }

    public var integer: Int64? {
        if case .integer(let number) = kind { return number }
        return nil
    }

    /// The integer as an `Int` (the same on the 64-bit machines Newsdesk runs on).
    public var int: Int? { integer.flatMap { Int(exactly: $0) } }

    public var double: Double? {
        if case .float(let number) = kind { return number }
        return nil
    }

    /// A float, or an integer as a float: what a key that takes any number reads.
    public var number: Double? {
        switch kind {
        case .float(let number): number
        case .integer(let number): Double(number)
        default: nil
        }
    }

    public var bool: Bool? {
        if case .boolean(let flag) = kind { return flag }
        return nil
    }

    public var array: [TOMLValue]? {
        if case .array(let items) = kind { return items }
        return nil
    }

    public var table: TOMLTable? {
        if case .table(let table) = kind { return table }
        return nil
    }

    /// The value written back as TOML, for messages: `"yes"`, `0`, `[1, 2]`, `{ a = 1 }`.
    public var tomlText: String {
        switch kind {
        case .string(let text): return Escaping.quoted(text)
        case .integer(let number): return String(number)
        case .float(let number):
            if number.isNaN { return "nan" }
            if number.isInfinite { return number < 0 ? "-inf" : "inf" }
            return String(number)
        case .boolean(let flag): return flag ? "true" : "false"
        case .dateTime(let dateTime): return dateTime.description
        case .array(let items): return "[" + items.map(\.tomlText).joined(separator: ", ") + "]"
        case .table(let table):
            if table.isEmpty { return "{}" }
            let pairs = table.keys.compactMap { key in table[key].map { "\(TOMLValue.keyText(key)) = \($0.tomlText)" } }
            return "{ " + pairs.joined(separator: ", ") + " }"
        }
    }

    /// A key as written in TOML: bare when it can be, else quoted.
    static func keyText(_ key: String) -> String {
        let bare = !key.isEmpty && key.utf8.allSatisfy(TOMLScanner.isBareKeyByte)
        return bare ? key : Escaping.quoted(key)
    }
}
