import Foundation
import Testing

@testable import NewsdeskConfig

/// What the conformance suite does not check: positions, the words of errors, and limits.
@Suite struct TOMLParserTests {
    static func error(_ text: String) throws -> TOMLError {
        try #require(throws: TOMLError.self) { try TOMLParser.parse(text) }
    }

    @Test func everyKeyTableAndValueKnowsItsLineAndColumn() throws {
        let table = try TOMLParser.parse("title = \"x\"\n\n[feed]\n  url = 'u'   # c\n  \"é\".\"ü\" = [1, { a = 2 }]\n[[rule]]\n[[rule]]\n")
        #expect(table.keyPosition("title") == TOMLPosition(line: 1, column: 1))
        #expect(table["title"]?.position == TOMLPosition(line: 1, column: 9))
        let feed = try #require(table["feed"])
        #expect(feed.position == TOMLPosition(line: 3, column: 1))
        #expect(feed.table?.keyPosition("url") == TOMLPosition(line: 4, column: 3))
        #expect(feed.table?["url"]?.position == TOMLPosition(line: 4, column: 9))
        // Columns count characters, not bytes: "é" is one.
        let accented = try #require(feed.table?["é"]?.table)
        #expect(accented.keyPosition("ü") == TOMLPosition(line: 5, column: 7))
        let list = try #require(accented["ü"]?.array)
        #expect(list.map(\.position) == [TOMLPosition(line: 5, column: 14), TOMLPosition(line: 5, column: 17)])
        #expect(list[1].table?["a"]?.position == TOMLPosition(line: 5, column: 23))
        let rules = try #require(table["rule"]?.array)
        #expect(rules.map(\.position.line) == [6, 7])
    }

    @Test func errorsSayWhereAndWhat() throws {
        let cases: [(String, Int, Int, String)] = [
            ("a = 1\nb = \"open\n", 2, 10, "a string must end on its line"),
            ("a = 1\na = 2\n", 2, 1, "a is defined twice: first at line 1, column 1"),
            ("[t]\nx = 1\n[t]\n", 3, 1, "table [t] is defined twice"),
            ("a = { b = 1 }\na.c = 2\n", 2, 1, "a is an inline table (line 1)"),
            ("x = 0123\n", 1, 5, "cannot start with 0"),
            ("x = 1__2\n", 1, 5, "single underscores"),
            ("d = 2023-02-29\n", 1, 5, "no such day"),
            ("t = 07:32\n", 1, 5, "needs seconds"),
            ("s = \"\\q\"\n", 1, 6, "unknown escape \\q"),
            ("a = 1 b = 2\n", 1, 7, "expected the end of the line"),
            ("x = { a = 1,\n b = 2 }\n", 1, 13, "an inline table must be on one line"),
            ("x = 1\r\ny = \"é\u{7}\"\n", 2, 7, "control character U+0007"),
            ("[a]\n[[a]]\n", 2, 1, "not an array of tables"),
            ("[a.b.c]\n[a]\nb.d = 1\n[a.b]\n", 4, 1, "table [a.b] is defined twice: it is already defined by dotted keys"),
            ("[a.b]\n[a]\nb.c = 1\n", 3, 1, "table b is already defined by its header (line 1)"),
            ("café = 1\n", 1, 4, "found 'é': a bare key is ASCII letters, digits, - and _; quote this one"),
            ("x = 9223372036854775808\n", 1, 5, "out of range"),
            ("title = Hello world\n", 1, 9, "Hello is not a value: a string needs quotes"),
            ("on = True\n", 1, 6, "true, false, inf and nan are lowercase"),
        ]
        for (text, line, column, words) in cases {
            let error = try Self.error(text)
            #expect(error.position == TOMLPosition(line: line, column: column), "\(text.debugDescription): \(error)")
            #expect(error.message.contains(words), "\(text.debugDescription): \(error)")
        }
    }

    @Test func invalidUTF8IsRefusedAtItsByte() throws {
        let error = try #require(throws: TOMLError.self) { try TOMLParser.parse(bytes: Array("a = 1\nb = \"".utf8) + [0xC3, 0x28, 0x22]) }
        #expect(error.position == TOMLPosition(line: 2, column: 6))
        #expect(error.message.hasPrefix("not UTF-8 text"))
    }

    /// Nesting is limited, so that no input can overflow the stack: a clear error instead.
    @Test func deepNestingIsRefusedNotRecursedInto() throws {
        let depth = 100_000
        for text in [
            "a = " + String(repeating: "[", count: depth),
            "a = " + String(repeating: "{b=", count: depth),
            "[" + Array(repeating: "k", count: depth).joined(separator: ".") + "]",
            Array(repeating: "k", count: depth).joined(separator: ".") + " = 1",
        ] {
            let error = try Self.error(text)
            #expect(error.message.contains("deeply"), "\(error)")
        }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(try TOMLParser.parse("a = " + fine)["a"]?.array?.count == 1)
    }

    @Test func valuesAreWrittenBackAsTOMLForMessages() throws {
        let table = try TOMLParser.parse("a = [1, 2.5, \"x\\n\", true, { b = -inf }, 1979-05-27T07:32:00-07:00]\n")
        #expect(table["a"]?.tomlText == "[1, 2.5, \"x\\n\", true, { b = -inf }, 1979-05-27T07:32:00-07:00]")
    }
}
