/// Reads a TOML 1.0.0 document (https://toml.io/en/v1.0.0) into a ``TOMLTable`` that knows the
/// line and column of every key, table and value.
///
/// It never traps and never aborts: every mistake, however hostile the input, comes back as a
/// ``TOMLError`` with a line and column of at least 1. Arrays and inline tables are read by
/// recursion, as deep as their nesting, which is limited to ``maxDepth`` levels (tables, arrays
/// and dotted keys together), so no input can overflow the stack.
///
/// TOML 1.1 additions (newlines in inline tables, times without seconds, `\e`, `\xHH`) are refused,
/// as 1.0 requires.
public enum TOMLParser {
    /// The deepest nesting accepted, counting every table, array and part of a dotted key.
    public static let maxDepth = 128

    /// Parses a document given as text.
    public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        try parse(bytes: Array(text.utf8))
    }

    /// Parses a document given as bytes; text that is not UTF-8 is refused at the first bad byte.
    public static func parse(bytes: [UInt8]) throws(TOMLError) -> TOMLTable {
        var reader = try Reader(scanner: TOMLScanner(bytes))
        return try reader.document()
    }
}

/// The statement level: key/value pairs, headers, arrays and inline tables.
private struct Reader {
    var scanner: TOMLScanner
    var tree = TOMLTree(maxDepth: TOMLParser.maxDepth)

    init(scanner: TOMLScanner) {
        self.scanner = scanner
    }

    mutating func document() throws(TOMLError) -> TOMLTable {
        var table = TOMLTree.root
        while true {
            try scanner.skipBlank()
            guard let byte = scanner.peek() else { break }
            if byte == UInt8(ascii: "[") {
                table = try header()
            } else {
                try keyValue(in: table, section: true)
                try scanner.endLine(after: "a value")
            }
        }
        return tree.value(of: TOMLTree.root).table ?? TOMLTable()
    }

    /// `[a.b]` or `[[a.b]]`, to the end of its line.
    private mutating func header() throws(TOMLError) -> Int {
        let position = scanner.position()
        let array = scanner.peek(is: "[", 1)
        scanner.advance(array ? 2 : 1)
        scanner.skipSpaces()
        guard let first = scanner.peek(),
            TOMLScanner.isBareKeyByte(first) || first == UInt8(ascii: "\"") || first == UInt8(ascii: "'")
        else { throw scanner.fail("a table header must name a table, like [name] or [[name]]") }
        let path = try scanner.key()
        guard path.count <= TOMLParser.maxDepth else { throw TOMLError("a table header nested too deeply", at: position) }
        scanner.skipSpaces()
        let close = array ? "]]" : "]"
        guard scanner.peek(is: "]"), !array || scanner.peek(is: "]", 1) else {
            throw scanner.fail("expected \(close) to close the table header")
        }
        scanner.advance(array ? 2 : 1)
        let table = try tree.open(header: path, array: array, at: position)
        try scanner.endLine(after: "a table header")
        return table
    }

    /// `key = value`, the key perhaps dotted.
    private mutating func keyValue(in table: Int, section: Bool) throws(TOMLError) {
        let key = try scanner.key()
        scanner.skipSpaces()
        guard scanner.peek(is: "=") else {
            if let byte = scanner.peek(), byte >= 0x80 {
                throw scanner.fail("found \(scanner.shownNext): a bare key is ASCII letters, digits, - and _; quote this one")
            }
            let name = key.map { TOMLValue.keyText($0.name) }.joined(separator: ".")
            throw scanner.fail("expected = after the key \(name), found \(scanner.shownNext)")
        }
        scanner.advance()
        scanner.skipSpaces()
        let value = try value(depth: tree.depth(of: table) + key.count)
        try tree.set(key, value, in: table, section: section)
    }

    private mutating func value(depth: Int) throws(TOMLError) -> TOMLValue {
        let position = scanner.position()
        guard depth <= TOMLParser.maxDepth else {
            throw TOMLError("nested too deeply: at most \(TOMLParser.maxDepth) levels of tables and arrays", at: position)
        }
        guard let byte = scanner.peek() else { throw scanner.fail("expected a value after =, found the end of the text") }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            return TOMLValue(.string(try scanner.string()), at: position)
        case UInt8(ascii: "["):
            return try array(depth: depth, at: position)
        case UInt8(ascii: "{"):
            return try inlineTable(depth: depth, at: position)
        default:
            let token = scanner.bareToken()
            if token.isEmpty {
                throw scanner.fail(
                    "expected a value (a string, number, true or false, date, [array] or { inline table }), found \(scanner.shownNext)"
                )
            }
            switch TOMLBareValue.parse(token) {
            case .success(let kind): return TOMLValue(kind, at: position)
            case .failure(let problem): throw TOMLError(problem.message, at: position)
            }
        }
    }

    /// `[ v, v, … ]`: newlines and comments allowed between, a trailing comma too.
    private mutating func array(depth: Int, at position: TOMLPosition) throws(TOMLError) -> TOMLValue {
        scanner.advance()
        var items: [TOMLValue] = []
        while true {
            try scanner.skipBlank()
            if scanner.peek(is: "]") { break }
            guard !scanner.atEnd else { throw TOMLError("the array is not closed: the text ends before its ]", at: position) }
            items.append(try value(depth: depth + 1))
            try scanner.skipBlank()
            if scanner.peek(is: ",") {
                scanner.advance()
                continue
            }
            guard scanner.peek(is: "]") else {
                throw scanner.fail("expected , or ] in the array, found \(scanner.shownNext)")
            }
            break
        }
        scanner.advance()
        return TOMLValue(.array(items), at: position)
    }

    /// `{ k = v, … }`: on one line, no trailing comma, never extended later.
    private mutating func inlineTable(depth: Int, at position: TOMLPosition) throws(TOMLError) -> TOMLValue {
        scanner.advance()
        let table = tree.detachedTable(at: position, depth: depth)
        scanner.skipSpaces()
        if scanner.peek(is: "}") {
            scanner.advance()
            return tree.value(of: table)
        }
        while true {
            scanner.skipSpaces()
            try inlineLineCheck()
            try keyValue(in: table, section: false)
            scanner.skipSpaces()
            if scanner.peek(is: ",") {
                scanner.advance()
                scanner.skipSpaces()
                if scanner.peek(is: "}") { throw scanner.fail("no comma after the last key of an inline table in TOML 1.0") }
                continue
            }
            if scanner.peek(is: "}") {
                scanner.advance()
                return tree.value(of: table)
            }
            try inlineLineCheck()
            throw scanner.fail("expected , or } in the inline table, found \(scanner.shownNext)")
        }
    }

    /// An inline table stays on one line in TOML 1.0: no newline, no comment inside.
    private mutating func inlineLineCheck() throws(TOMLError) {
        if scanner.atEnd { throw scanner.fail("the inline table is not closed: the text ends before its }") }
        if scanner.peek(is: "\n") || scanner.peek(is: "\r") || scanner.peek(is: "#") {
            throw scanner.fail("an inline table must be on one line: close it with } before the end of the line")
        }
    }
}
