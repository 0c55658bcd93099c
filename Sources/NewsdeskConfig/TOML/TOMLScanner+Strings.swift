/// TOML's four kinds of string: basic `"…"` (with escapes), literal `'…'`, and their multi-line
/// forms `"""…"""` and `'''…'''`.
extension TOMLScanner {
    /// A string of any kind, starting at its opening quote.
    mutating func string() throws(TOMLError) -> String {
        guard let quote = peek() else { throw fail("expected a string") }
        let multiline = peek(1) == quote && peek(2) == quote
        let basic = quote == UInt8(ascii: "\"")
        var out: [UInt8] = []
        if multiline {
            advance(3)
            _ = try newline()  // a newline right after the opening quotes is not part of the string
            try multilineBody(quote: quote, basic: basic, into: &out)
        } else {
            advance()
            try lineBody(quote: quote, basic: basic, into: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func lineBody(quote: UInt8, basic: Bool, into out: inout [UInt8]) throws(TOMLError) {
        while let byte = peek() {
            if byte == quote {
                advance()
                return
            }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                let triple = basic ? "\"\"\"" : "'''"
                throw fail("a string must end on its line: close it, or use \(triple) for several lines")
            }
            if basic && byte == UInt8(ascii: "\\") {
                try escape(into: &out)
                continue
            }
            if Self.isControl(byte) { throw fail("control character \(Self.describe(byte)) in a string: write it as an escape") }
            out.append(byte)
            advance()
        }
        throw fail("the string is not closed: the text ends before its \(Unicode.Scalar(quote))")
    }

    private mutating func multilineBody(quote: UInt8, basic: Bool, into out: inout [UInt8]) throws(TOMLError) {
        while let byte = peek() {
            if byte == quote {
                var run = 0
                while peek(run) == quote { run += 1 }
                if run >= 3 {
                    // Up to two quotes may end the string's content, just before the closing three.
                    guard run <= 5 else { throw fail("too many quotes in a row: escape some of them") }
                    out.append(contentsOf: repeatElement(quote, count: run - 3))
                    advance(run)
                    return
                }
                out.append(contentsOf: repeatElement(quote, count: run))
                advance(run)
                continue
            }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                _ = try newline()
                out.append(UInt8(ascii: "\n"))
                continue
            }
            if basic && byte == UInt8(ascii: "\\") {
                if try lineEndingBackslash() { continue }
                try escape(into: &out)
                continue
            }
            if Self.isControl(byte) { throw fail("control character \(Self.describe(byte)) in a string: write it as an escape") }
            out.append(byte)
            advance()
        }
        let triple = basic ? "\"\"\"" : "'''"
        throw fail("the multi-line string is not closed: the text ends before its \(triple)")
    }

    /// A backslash that ends a line (spaces may follow it) joins the lines: it, the newline and
    /// all whitespace up to the next other character are left out.
    private mutating func lineEndingBackslash() throws(TOMLError) -> Bool {
        var offset = 1
        while peek(is: " ", offset) || peek(is: "\t", offset) { offset += 1 }
        guard peek(is: "\n", offset) || (peek(is: "\r", offset) && peek(is: "\n", offset + 1)) else { return false }
        advance(offset)
        while true {
            skipSpaces()
            guard try newline() else { return true }
        }
    }

    private mutating func escape(into out: inout [UInt8]) throws(TOMLError) {
        let start = position()
        advance()  // the backslash
        guard let letter = peek() else { throw fail("the string ends in a lone backslash") }
        advance()
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "b"): 0x08, UInt8(ascii: "t"): 0x09, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "f"): 0x0C,
            UInt8(ascii: "r"): 0x0D, UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C,
        ]
        if let byte = simple[letter] {
            out.append(byte)
            return
        }
        let digits: Int
        switch letter {
        case UInt8(ascii: "u"): digits = 4
        case UInt8(ascii: "U"): digits = 8
        default:
            throw TOMLError(
                "unknown escape \\\(Self.show(letter).trimmingQuotes): TOML knows \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX and \\UXXXXXXXX (write \\\\ for a backslash)",
                at: start)
        }
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let byte = peek(), let digit = Self.hexValue(byte) else {
                throw TOMLError("\\\(Unicode.Scalar(letter)) needs exactly \(digits) hexadecimal digits", at: start)
            }
            value = value << 4 | UInt32(digit)
            advance()
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw TOMLError("\\\(Unicode.Scalar(letter)) escape names no Unicode character (a surrogate, or above 10FFFF)", at: start)
        }
        out.append(contentsOf: Array(String(scalar).utf8))
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension String {
    /// `'x'` as `x`: a character shown bare after a backslash.
    fileprivate var trimmingQuotes: String {
        hasPrefix("'") && hasSuffix("'") && count >= 3 ? String(dropFirst().dropLast()) : self
    }
}
