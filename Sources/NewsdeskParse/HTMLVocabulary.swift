/// The HTML tag and attribute names the sanitizer knows, looked up straight from bytes: names are
/// packed, lower-cased, into two 64-bit words and found by binary search, with no String and no
/// hashing per tag.
///
/// A plain value (no references), so passing it around costs no reference counting; its
/// spelling is in its table.
struct HTMLName: Sendable {
    /// Index in its table; fits the sanitizer's bit sets and stacks.
    let id: UInt8
    let flags: Flags

    struct Flags: OptionSet, Sendable {
        let rawValue: UInt8
        /// Kept by the sanitizer (tags and attributes).
        static let allowed = Flags(rawValue: 1)
        /// A tag with no end tag.
        static let void = Flags(rawValue: 2)
        /// A tag dropped together with everything inside it.
        static let droppedWithContent = Flags(rawValue: 4)
        /// A tag that does not separate words in rendered text.
        static let inline = Flags(rawValue: 8)
        /// An attribute holding a URL.
        static let url = Flags(rawValue: 16)
        /// The `srcset` attribute: a list of URLs.
        static let srcset = Flags(rawValue: 32)
    }
}

/// A sorted table of `HTMLName`s, with a hash of their keys for lookup by bytes.
struct HTMLNameTable: Sendable {
    private let keys: [Key]
    private let names: [HTMLName]
    /// The lower-case spelling of each entry, by id.
    private let spellings: [[UInt8]]

    private struct Key: Comparable, Sendable {
        let high: UInt64, low: UInt64
        static func < (a: Key, b: Key) -> Bool { (a.high, a.low) < (b.high, b.low) }
    }

    /// Open-addressing hash of the keys: slot -> entry index + 1 (0: empty).
    private let slots: [UInt8]

    init(_ entries: [(String, HTMLName.Flags)]) {
        let sorted = entries.map { (Self.key(Array($0.0.utf8)), $0.0, $0.1) }.sorted { $0.0 < $1.0 }
        keys = sorted.map(\.0)
        names = sorted.enumerated().map { index, entry in HTMLName(id: UInt8(index), flags: entry.2) }
        spellings = sorted.map { Array($0.1.utf8) }
        var table = [UInt8](repeating: 0, count: Self.slotCount)
        for (index, entry) in sorted.enumerated() {
            var slot = Self.slot(of: entry.0)
            while table[slot] != 0 { slot = (slot + 1) & (Self.slotCount - 1) }
            table[slot] = UInt8(index + 1)
        }
        slots = table
    }

    private static let slotCount = 512

    @inline(__always)
    private static func slot(of key: Key) -> Int {
        Int(truncatingIfNeeded: ((key.high ^ key.low &* 0x9E37_79B9_7F4A_7C15) &* 0xBF58_476D_1CE4_E5B9) >> 55) & (slotCount - 1)
    }

    /// How many entries the table has; their ids are 0..<count.
    var count: Int { keys.count }

    /// The lower-case spelling of entry `id`.
    func spelling(_ id: UInt8) -> [UInt8] { spellings[Int(id)] }

    /// The entry named by `bytes` (any case), or nil.
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> HTMLName? {
        guard bytes.count <= 16, !bytes.isEmpty else { return nil }
        let key = Self.key(bytes)
        var slot = Self.slot(of: key)
        while slots[slot] != 0 {
            let index = Int(slots[slot]) - 1
            if keys[index] == key { return names[index] }
            slot = (slot + 1) & (Self.slotCount - 1)
        }
        return nil
    }

    /// The first 16 bytes of a name, lower-cased, as two words.
    @inline(__always)
    private static func key<C: RandomAccessCollection<UInt8>>(_ bytes: C) -> Key where C.Index == Int {
        var high: UInt64 = 0
        var low: UInt64 = 0
        let count = min(bytes.count, 16)
        for index in 0..<count {
            let byte = bytes[bytes.startIndex + index]
            let folded = UInt64(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
            if index < 8 { high |= folded << (56 - 8 * index) } else { low |= folded << (56 - 8 * (index - 8)) }
        }
        return Key(high: high, low: low)
    }
}

enum HTMLVocabulary {
    static let tags: HTMLNameTable = {
        let allowed: [String] = [
            "a", "abbr", "acronym", "address", "article", "aside", "audio", "b", "bdi", "bdo", "big", "blockquote", "br",
            "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt",
            "em", "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i",
            "img", "ins", "kbd", "li", "mark", "ol", "p", "picture", "pre", "q", "rp", "rt", "ruby", "s", "samp",
            "section", "small", "source", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td",
            "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var", "video", "wbr",
        ]
        // object and applet are not listed: their tags go, their fallback content is shown.
        let dropped: [String] = [
            "script", "style", "iframe", "frameset", "frame", "noframes", "noembed",
            "template", "title", "head", "svg", "math", "textarea", "select", "xmp", "plaintext", "noscript",
        ]
        let void: Set<String> = ["br", "hr", "img", "wbr", "source", "col"]
        let inline: Set<String> = [
            "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "del", "dfn", "em", "font", "i", "ins",
            "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var",
        ]
        var entries = allowed.map { name -> (String, HTMLName.Flags) in
            var flags: HTMLName.Flags = .allowed
            if void.contains(name) { flags.insert(.void) }
            if inline.contains(name) { flags.insert(.inline) }
            return (name, flags)
        }
        entries += dropped.map { ($0, .droppedWithContent) }
        return HTMLNameTable(entries)
    }()

    static let attributes: HTMLNameTable = {
        let plain: [String] = [
            "alt", "title", "width", "height", "colspan", "rowspan", "datetime", "lang", "dir", "start", "reversed",
            "value", "type", "controls", "align", "valign", "span", "abbr", "scope", "headers", "open", "summary",
        ]
        let urls: [String] = ["href", "src", "cite", "poster"]
        return HTMLNameTable(plain.map { ($0, .allowed) } + urls.map { ($0, [.allowed, .url]) } + [("srcset", [.allowed, .srcset])])
    }()
}
