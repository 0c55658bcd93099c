import Foundation

/// Finds the line of a key in a TOML text, so that errors found after parsing (an unknown key, a
/// bad duration) can name it. TOMLKit reports positions only for syntax errors.
///
/// It reads table headers and `key =` lines only; anything it cannot place gets no line, never a
/// wrong one: keys inside multi-line strings and arrays are skipped.
struct ConfigKeyLocator {
    /// "newsdesk" for `[newsdesk]`, "feed#3" for the fourth `[[feed]]`, "" for the top level.
    private var headerLines: [String: Int] = [:]
    private var keyLines: [String: Int] = [:]

    init(text: String) {
        var table = ""
        var arrayCounts: [String: Int] = [:]
        var inMultiline: String?
        var bracketDepth = 0
        // "\r\n" is one Character in Swift: a file with Windows line ends splits on it too.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (index, rawLine) in lines.enumerated() {
            let line = Self.trimmed(rawLine)
            let number = index + 1
            if let delimiter = inMultiline {
                if line.contains(delimiter) { inMultiline = nil }
                continue
            }
            if bracketDepth > 0 {
                bracketDepth += Self.depthChange(line)
                continue
            }
            if line.hasPrefix("[[") {
                let name = Self.headerName(line.dropFirst(2))
                let count = arrayCounts[name, default: 0]
                arrayCounts[name] = count + 1
                table = "\(name)#\(count)"
                headerLines[table] = number
            } else if line.hasPrefix("[") {
                table = Self.headerName(line.dropFirst())
                headerLines[table] = number
            } else if let equals = line.firstIndex(of: "="), !line.hasPrefix("#") {
                var key = Self.trimmed(line[..<equals])
                if key.count >= 2, let first = key.first, first == "\"" || first == "'", key.last == first {
                    key = key.dropFirst().dropLast()
                }
                keyLines["\(table).\(key)"] = number
                let value = Self.trimmed(line[line.index(after: equals)...])
                for delimiter in ["\"\"\"", "'''"] where value.hasPrefix(delimiter) && !value.dropFirst(3).contains(delimiter) {
                    inMultiline = delimiter
                }
                if value.hasPrefix("[") { bracketDepth = max(0, Self.depthChange(value)) }
            }
        }
    }

    /// The line of `key` in `table` ("newsdesk", "feed#0"), else of the table's header.
    func line(table: String, key: String? = nil) -> Int? {
        if let key, let line = keyLines["\(table).\(key)"] { return line }
        return headerLines[table]
    }

    private static func headerName(_ text: Substring) -> String {
        String(trimmed(text.prefix { $0 != "]" }))
    }

    /// `text` without spaces and tabs at either end (Foundation's trimming costs far more).
    private static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, first == " " || first == "\t" || first == "\r" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
        return text
    }

    /// Net count of `[` minus `]` outside strings, comments ignored.
    private static func depthChange(_ text: Substring) -> Int {
        var depth = 0
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" {
                break
            } else if character == "[" {
                depth += 1
            } else if character == "]" {
                depth -= 1
            }
        }
        return depth
    }
}
