import NewsdeskBase

/// The one reader of character references (`&amp;`, `&eacute;`, `&#233;`, `&#xE9;`).
///
/// References are met in two places, read with two syntaxes:
/// - `.xml`, in the document before libxml2 reads it (`XMLRepair`): a name of XML name bytes
///   (letters, digits, `_`, `-`, `.`, `:`), or `#` with one to eight decimal digits or `#x` with
///   one to eight hex digits; then `;`.
/// - `.html`, in text XML has already decoded (`UTF8Text.appendDecoded`), read as leniently as
///   before this reader was one: anything up to a `;` within 40 bytes of the `&` that holds no
///   `&` or white space; after `#`, digits of any length, optionally after a `+`.
///
/// Names are looked up in HTML's table (`HTMLEntities`). A number 0x80-0x9F means the
/// windows-1252 character of that byte, as browsers read it (nothing for its five unassigned
/// codes); what other numbers mean is the caller's rule (XML forbids more characters than HTML).
enum CharacterReference {
    enum Syntax { case xml, html }

    /// A reference read at an `&`, before a meaning is given to it.
    enum Token {
        /// A numeric reference and its value (nil when it is past `UInt32`).
        case number(UInt32?)
        /// A named reference: where the name is (between `&` and `;`).
        case name(Range<Int>)
    }

    /// The reference at `amp` (which holds `&`) and its length including `;`; nil when the `&`
    /// starts none in `syntax`.
    static func scan<C: RandomAccessCollection<UInt8>>(_ bytes: C, at amp: Int, syntax: Syntax) -> (token: Token, length: Int)?
    where C.Index == Int {
        switch syntax {
        case .xml: scanXML(bytes, at: amp)
        case .html: scanHTML(bytes, at: amp)
        }
    }

    /// `&lt;`, `&gt;` or `&amp;` at `amp`, the references escaped HTML is made of: the character
    /// and the length. Checked before anything else where references are many.
    @inline(__always)
    static func markup<C: RandomAccessCollection<UInt8>>(_ bytes: C, at amp: Int) -> (UInt8, Int)? where C.Index == Int {
        let n = bytes.endIndex
        if amp + 3 < n, bytes[amp + 3] == UInt8(ascii: ";"), bytes[amp + 2] == UInt8(ascii: "t"),
            bytes[amp + 1] == UInt8(ascii: "l") || bytes[amp + 1] == UInt8(ascii: "g")
        {
            return (bytes[amp + 1] == UInt8(ascii: "l") ? UInt8(ascii: "<") : UInt8(ascii: ">"), 4)
        }
        if amp + 4 < n, bytes[amp + 4] == UInt8(ascii: ";"), bytes[amp + 1] == UInt8(ascii: "a"),
            bytes[amp + 2] == UInt8(ascii: "m"), bytes[amp + 3] == UInt8(ascii: "p")
        {
            return (UInt8(ascii: "&"), 5)
        }
        return nil
    }

    /// The characters of a reference to `code` when it is 0x80-0x9F: its windows-1252 character,
    /// empty for the five codes windows-1252 leaves unassigned. nil for any other code.
    static func windows1252(_ code: UInt32) -> String? {
        guard (0x80...0x9F).contains(code) else { return nil }
        return Windows1252.character(UInt8(code)).map(String.init) ?? ""
    }

    /// The characters of the named reference `name`, or nil for a name HTML does not define.
    static func named<C: Collection<UInt8>>(_ name: C) -> String? {
        HTMLEntities.character(named: String(decoding: name, as: UTF8.self))
    }

    /// What the reference at `amp` stands for, as HTML reads it: a character (a number, or a name
    /// of one character) or text (a name of several, or a windows-1252 code), and its length;
    /// nil when the `&` starts no reference HTML knows, which then stays as written.
    static func decodeHTML<C: RandomAccessCollection<UInt8>>(_ bytes: C, at amp: Int) -> (Decoded, Int)? where C.Index == Int {
        if let (character, length) = markup(bytes, at: amp) { return (.scalar(Unicode.Scalar(character)), length) }
        guard let (token, length) = scanHTML(bytes, at: amp) else { return nil }
        switch token {
        case .number(let value):
            guard let value, value != 0 else { return nil }
            if let characters = windows1252(value) { return (.text(characters), length) }
            return Unicode.Scalar(value).map { (.scalar($0), length) }
        case .name(let name):
            if let scalar = commonName(bytes[name]) { return (.scalar(scalar), length) }
            return named(bytes[name]).map { (.text($0), length) }
        }
    }

    /// What `decodeHTML` found.
    enum Decoded {
        case scalar(Unicode.Scalar)
        case text(String)
    }

    // MARK: The two syntaxes

    private static func scanXML<C: RandomAccessCollection<UInt8>>(_ bytes: C, at amp: Int) -> (token: Token, length: Int)?
    where C.Index == Int {
        let n = bytes.endIndex
        var i = amp + 1
        if i < n, bytes[i] == UInt8(ascii: "#") {
            i += 1
            let hex = i < n && (bytes[i] | 0x20) == UInt8(ascii: "x")
            if hex { i += 1 }
            let digitsStart = i
            var value: UInt32 = 0
            while i < n, i - digitsStart < 8, let digit = digit(bytes[i], hex: hex) {
                value = value &* (hex ? 16 : 10) &+ digit
                i += 1
            }
            guard i > digitsStart, i < n, bytes[i] == UInt8(ascii: ";") else { return nil }
            return (.number(value), i + 1 - amp)
        }
        while i < n, i - amp < 40, isNameByte(bytes[i]) { i += 1 }
        guard i > amp + 1, i < n, bytes[i] == UInt8(ascii: ";") else { return nil }
        return (.name((amp + 1)..<i), i + 1 - amp)
    }

    private static func scanHTML<C: RandomAccessCollection<UInt8>>(_ bytes: C, at amp: Int) -> (token: Token, length: Int)?
    where C.Index == Int {
        var end = amp + 1
        let limit = min(bytes.endIndex, amp + 40)
        while end < limit, bytes[end] != UInt8(ascii: ";"), bytes[end] != UInt8(ascii: "&"), !Whitespace.isASCIISpace(bytes[end]) {
            end += 1
        }
        guard end < limit, bytes[end] == UInt8(ascii: ";"), end > amp + 1 else { return nil }
        let length = end + 1 - amp
        guard bytes[amp + 1] == UInt8(ascii: "#") else { return (.name((amp + 1)..<end), length) }
        var i = amp + 2
        let hex = i < end && (bytes[i] | 0x20) == UInt8(ascii: "x")
        if hex { i += 1 }
        if i < end, bytes[i] == UInt8(ascii: "+") { i += 1 }
        guard i < end else { return nil }
        var value: UInt32? = 0
        while i < end {
            guard let digit = digit(bytes[i], hex: hex) else { return nil }
            if let known = value {
                let (shifted, over) = known.multipliedReportingOverflow(by: hex ? 16 : 10)
                let (sum, carry) = shifted.addingReportingOverflow(digit)
                value = over || carry ? nil : sum
            }
            i += 1
        }
        return (.number(value), length)
    }

    /// amp, lt, gt, quot, apos and nbsp, most of the named references in feeds: read without a
    /// table lookup.
    private static func commonName<C: Collection<UInt8>>(_ name: C) -> Unicode.Scalar? {
        let count = name.count
        guard count <= 4 else { return nil }
        let key = name.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        switch (count, key) {
        case (3, 0x61_6D70): return "&"  // amp
        case (2, 0x6C74): return "<"  // lt
        case (2, 0x6774): return ">"  // gt
        case (4, 0x7175_6F74): return "\""  // quot
        case (4, 0x6170_6F73): return "'"  // apos
        case (4, 0x6E62_7370): return "\u{A0}"  // nbsp
        default: return nil
        }
    }

    static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
            || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: ":")
    }

    private static func digit(_ b: UInt8, hex: Bool) -> UInt32? {
        switch b {
        case 0x30...0x39: return UInt32(b - 0x30)
        case 0x61...0x66 where hex: return UInt32(b - 0x61 + 10)
        case 0x41...0x46 where hex: return UInt32(b - 0x41 + 10)
        default: return nil
        }
    }
}
