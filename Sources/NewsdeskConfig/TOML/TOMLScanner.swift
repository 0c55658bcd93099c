/// The byte level of TOML: whitespace, newlines, comments, keys, strings and the bare tokens of
/// numbers and dates, each checked as it is read, with the line and column of every place.
///
/// The whole text is checked to be UTF-8 first, so that any slice between ASCII delimiters is
/// valid UTF-8 too. Every read is bounds-checked by index: no input can make it trap.
struct TOMLScanner {
    let bytes: [UInt8]
    private(set) var index = 0
    private(set) var line = 1
    private var lineStart = 0
    /// The last column computed, so that positions asked in order cost O(1) each.
    private var cachedIndex = 0
    private var cachedColumn = 1

    /// One part of a dotted key and where it is written.
    struct KeyPart {
        var name: String
        var position: TOMLPosition
    }

    init(_ bytes: [UInt8]) throws(TOMLError) {
        self.bytes = bytes
        if let bad = UTF8Check.firstInvalid(bytes) {
            index = bad
            lineStart = bytes[..<bad].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            line = 1 + bytes[..<bad].reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            cachedIndex = lineStart
            throw fail("not UTF-8 text: save the file as UTF-8")
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {  // a byte order mark, which TOML allows
            index = 3
            lineStart = 3
            cachedIndex = 3
        }
    }

    var atEnd: Bool { index >= bytes.count }

    func peek(_ offset: Int = 0) -> UInt8? {
        let at = index + offset
        return at < bytes.count ? bytes[at] : nil
    }

    func peek(is character: Unicode.Scalar, _ offset: Int = 0) -> Bool { peek(offset) == UInt8(ascii: character) }

    mutating func advance(_ count: Int = 1) { index = min(bytes.count, index + count) }

    /// The line and column of the next byte.
    mutating func position() -> TOMLPosition {
        if cachedIndex < lineStart || cachedIndex > index {
            cachedIndex = lineStart
            cachedColumn = 1
        }
        while cachedIndex < index {
            if bytes[cachedIndex] & 0xC0 != 0x80 { cachedColumn += 1 }  // not a continuation byte
            cachedIndex += 1
        }
        return TOMLPosition(line: line, column: cachedColumn)
    }

    /// An error at the next byte.
    mutating func fail(_ message: String) -> TOMLError { TOMLError(message, at: position()) }

    static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default: return false
        }
    }

    /// Control characters TOML forbids in comments and strings: all but tab.
    static func isControl(_ byte: UInt8) -> Bool { (byte < 0x20 && byte != 0x09) || byte == 0x7F }

    static func describe(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    // MARK: Whitespace, newlines, comments

    mutating func skipSpaces() {
        while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { index += 1 }
    }

    /// Consumes a newline (LF or CRLF) if one is next.
    mutating func newline() throws(TOMLError) -> Bool {
        if peek(is: "\n") {
            index += 1
        } else if peek(is: "\r") {
            guard peek(is: "\n", 1) else { throw fail("a carriage return must be followed by a line feed") }
            index += 2
        } else {
            return false
        }
        line += 1
        lineStart = index
        return true
    }

    /// Consumes a comment if one is next, up to (not including) the end of its line.
    mutating func comment() throws(TOMLError) {
        guard peek(is: "#") else { return }
        while let byte = peek(), byte != UInt8(ascii: "\n") {
            if byte == UInt8(ascii: "\r") && peek(is: "\n", 1) { return }
            if Self.isControl(byte) { throw fail("control character \(Self.describe(byte)) in a comment") }
            index += 1
        }
    }

    /// Whitespace, comments and newlines: what may stand between statements, or inside an array.
    mutating func skipBlank() throws(TOMLError) {
        while true {
            skipSpaces()
            try comment()
            guard try newline() else { return }
        }
    }

    /// The end of a statement: spaces, perhaps a comment, then a newline or the end of the text.
    mutating func endLine(after what: String) throws(TOMLError) {
        skipSpaces()
        try comment()
        if atEnd { return }
        guard try newline() else {
            throw fail("expected the end of the line after \(what): put each key = value and each [table] on its own line")
        }
    }

    // MARK: Keys

    /// A key, perhaps dotted: `name`, `"quoted key"`, `a.'b'.c`.
    mutating func key() throws(TOMLError) -> [KeyPart] {
        var parts = [try simpleKey()]
        while true {
            let save = (index, line, lineStart)
            skipSpaces()
            guard peek(is: ".") else {
                (index, line, lineStart) = save
                return parts
            }
            index += 1
            skipSpaces()
            parts.append(try simpleKey())
        }
    }

    private mutating func simpleKey() throws(TOMLError) -> KeyPart {
        let start = position()
        guard let byte = peek() else { throw fail("expected a key, found the end of the text") }
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
            if peek(1) == byte && peek(2) == byte { throw fail("a key cannot be a multi-line string") }
            return KeyPart(name: try string(), position: start)
        }
        let from = index
        while let next = peek(), Self.isBareKeyByte(next) { index += 1 }
        guard index > from else {
            if byte >= 0x80 { throw fail("found \(shownNext): a bare key is ASCII letters, digits, - and _; quote this one") }
            throw fail("expected a key: letters, digits, - and _, or a quoted \"key\"; found \(shownNext)")
        }
        return KeyPart(name: String(decoding: bytes[from..<index], as: UTF8.self), position: start)
    }

    /// The next character, for messages: `'é'`, `'='`, "the end of the line", "the end of the text".
    var shownNext: String {
        guard let byte = peek() else { return "the end of the text" }
        guard byte >= 0x80, let character = String(decoding: bytes[index..<min(index + 4, bytes.count)], as: UTF8.self).first
        else { return Self.show(byte) }
        return "'\(character)'"
    }

    static func show(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"): return "the end of the line"
        case 0x21...0x7E: return "'\(Unicode.Scalar(byte))'"
        default: return describe(byte)
        }
    }

    // MARK: Bare tokens

    /// The bytes of a number, boolean or date-time: letters, digits and `_+-.:`, with the space
    /// between a date and its time (`1979-05-27 07:32:00`) taken in.
    mutating func bareToken() -> ArraySlice<UInt8> {
        let from = index
        func isTokenByte(_ byte: UInt8) -> Bool {
            Self.isBareKeyByte(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
        }
        while let byte = peek(), isTokenByte(byte) { index += 1 }
        if index - from == 10, peek(is: " "), let digit = peek(1), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit),
            bytes[from + 4] == UInt8(ascii: "-"), bytes[from + 7] == UInt8(ascii: "-")
        {
            index += 1
            while let byte = peek(), isTokenByte(byte) { index += 1 }
        }
        return bytes[from..<index]
    }
}

/// Finds the first byte that is not part of well-formed UTF-8 (no overlong forms, no
/// surrogates, nothing above U+10FFFF).
enum UTF8Check {
    static func firstInvalid(_ bytes: [UInt8]) -> Int? {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let count: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: count = 1
            case 0xE0: (count, low) = (2, 0xA0)
            case 0xE1...0xEC, 0xEE...0xEF: count = 2
            case 0xED: (count, high) = (2, 0x9F)
            case 0xF0: (count, low) = (3, 0x90)
            case 0xF1...0xF3: count = 3
            case 0xF4: (count, high) = (3, 0x8F)
            default: return index
            }
            for offset in 1...count {
                guard index + offset < bytes.count else { return index }
                let byte = bytes[index + offset]
                let (min, max) = offset == 1 ? (low, high) : (0x80, 0xBF)
                guard byte >= min && byte <= max else { return index }
            }
            index += count + 1
        }
        return nil
    }
}
