/// Finds the TOML mistakes that toml++ 3.4 (inside TOMLKit 0.6.0) cannot survive, before
/// TOMLKit sees the text.
///
/// On these, toml++ does not report an error: it aborts the whole process on one of its own
/// assertions (found by the config fuzzer, `Fuzz/regressions-config/`):
/// - a table header whose name starts with a character no key can start with: `[` at the end
///   of a line, `[[[1]]]`, `[=` (fixed upstream in tomlplusplus pull request 301, not yet in
///   the TOMLKit release we can use);
/// - a `}` where an array expects a value: `a = [}`, `a = [1, }`;
/// - a date-time whose `T` is not followed by a digit (`a = 1979-05-27Tz`), or whose time after
///   a space is one digit (`a = 1979-05-27 0`).
/// A daemon that rereads its config on SIGHUP must never die on a typo, so each is reported
/// here as an ordinary config problem with its line.
///
/// The scan knows just enough TOML to tell these apart from a `[` or `}` inside a string, a
/// comment, an inline table or a multi-line array, and a value from a key (`1979-05-27Tz = 1`
/// is a valid bare key): on a valid file it finds nothing. What toml++ may still abort on
/// beyond these, the daemon survives: it tries a config in a child process before a reload.
enum TOMLGuard {
    /// The first such mistake: its 1-based line and what is wrong.
    static func firstProblem(_ text: String) -> (line: Int, message: String)? {
        let bytes = Array(text.utf8)
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0  // toml++ skips a byte order mark
        var line = 1
        var open: [UInt8] = []  // the [ and { of values still open, innermost last
        var atLineStart = true
        var afterEquals = false  // in a value, not a key
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
                atLineStart = true
                if open.isEmpty { afterEquals = false }
                index += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "#"):
                index = endOfLine(bytes, from: index)
            case UInt8(ascii: "[") where atLineStart && open.isEmpty:
                if !headerNameCanStart(bytes, after: index) {
                    return (line, "a table header must name a table, like [newsdesk] or [[feed]]")
                }
                index = endOfLine(bytes, from: index)
                atLineStart = false
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                index = endOfString(bytes, from: index, line: &line)
                atLineStart = false
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                open.append(byte)
                afterEquals = byte == UInt8(ascii: "[")  // an inline table starts with a key
                atLineStart = false
                index += 1
            case UInt8(ascii: "]"):
                if open.last == UInt8(ascii: "[") { open.removeLast() }
                atLineStart = false
                index += 1
            case UInt8(ascii: "}"):
                if open.last == UInt8(ascii: "[") { return (line, "a } inside a list: close the list with ] first") }
                if open.last == UInt8(ascii: "{") { open.removeLast() }
                afterEquals = true
                atLineStart = false
                index += 1
            case UInt8(ascii: "="):
                afterEquals = true
                atLineStart = false
                index += 1
            case UInt8(ascii: ","):
                if open.last == UInt8(ascii: "{") { afterEquals = false }
                atLineStart = false
                index += 1
            default:
                let inValue = afterEquals || open.last == UInt8(ascii: "[")
                let startsToken = index == 0 || !(isBareKeyByte(bytes[index - 1]) || bytes[index - 1] == UInt8(ascii: "."))
                if inValue && startsToken && dateTimeLacksTime(bytes, at: index) {
                    return (line, "a date-time needs a whole time, like 1979-05-27T07:32:00Z")
                }
                atLineStart = false
                index += 1
            }
        }
        return nil
    }

    private static func headerNameCanStart(_ bytes: [UInt8], after open: Int) -> Bool {
        var index = open + 1
        let spaceAfterFirst = skipSpaces(bytes, &index)
        if index < bytes.count, bytes[index] == UInt8(ascii: "[") {
            if spaceAfterFirst { return true }  // "[ [": toml++ reports this one
            index += 1
            _ = skipSpaces(bytes, &index)
        }
        guard index < bytes.count else { return true }
        let byte = bytes[index]
        return isBareKeyByte(byte) || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "]")
    }

    /// At `index`, a value shaped like a date (ten characters, `-` fifth and eighth: toml++
    /// skips `_` and decides by those dashes) then `T` or `t` and no digit, or then a space, one
    /// digit and the end of the value. No valid value looks like that.
    private static func dateTimeLacksTime(_ bytes: [UInt8], at index: Int) -> Bool {
        func ends(_ byte: UInt8) -> Bool { " \t\r\n],}#".utf8.contains(byte) }
        func isDigit(_ at: Int) -> Bool { at < bytes.count && bytes[at] >= UInt8(ascii: "0") && bytes[at] <= UInt8(ascii: "9") }
        guard isDigit(index) else { return false }
        var positions: [Int] = []  // of the value's first eleven characters other than `_`
        var next = index
        while next < bytes.count, !ends(bytes[next]), positions.count < 11 {
            if bytes[next] != UInt8(ascii: "_") { positions.append(next) }
            next += 1
        }
        guard positions.count >= 10, bytes[positions[4]] == UInt8(ascii: "-"), bytes[positions[7]] == UInt8(ascii: "-") else {
            return false
        }
        if positions.count == 11 {
            let separator = bytes[positions[10]]
            return (separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t")) && !isDigit(positions[10] + 1)
        }
        // Ten characters and the value ends: then a space, one digit and the end again.
        guard next + 2 < bytes.count, bytes[next] == UInt8(ascii: " "), isDigit(next + 1) else { return false }
        return ends(bytes[next + 2])
    }

    private static func skipSpaces(_ bytes: [UInt8], _ index: inout Int) -> Bool {
        let start = index
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
        return index > start
    }

    private static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    private static func endOfLine(_ bytes: [UInt8], from index: Int) -> Int {
        var index = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
        return index
    }

    /// The index just past the string that opens at `start` (basic or literal, one line or
    /// multi-line); `line` counts the newlines inside. An unclosed one-line string ends at its
    /// line's end.
    private static func endOfString(_ bytes: [UInt8], from start: Int, line: inout Int) -> Int {
        let quote = bytes[start]
        let escapes = quote == UInt8(ascii: "\"")
        let isTriple = start + 2 < bytes.count && bytes[start + 1] == quote && bytes[start + 2] == quote
        var index = start + (isTriple ? 3 : 1)
        while index < bytes.count {
            let byte = bytes[index]
            if escapes && byte == UInt8(ascii: "\\") {
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { line += 1 }
                index += 2
                continue
            }
            if byte == UInt8(ascii: "\n") {
                if !isTriple { return index }
                line += 1
            }
            if byte == quote {
                if !isTriple { return index + 1 }
                if index + 2 < bytes.count, bytes[index + 1] == quote, bytes[index + 2] == quote {
                    // Up to two more quotes belong to the content: """a""""" is a + "" + close.
                    var end = index + 3
                    while end < bytes.count, end < index + 5, bytes[end] == quote { end += 1 }
                    return end
                }
            }
            index += 1
        }
        return index
    }
}
