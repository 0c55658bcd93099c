import Foundation
import Testing

@testable import NewsdeskConfig

/// Appending `[[feed]]` tables: the old bytes stay a prefix, the result loads, the file keeps its
/// mode and its link, and a file changed meanwhile is not overwritten.
@Suite struct ConfigAppenderTests {
    static let table = ConfigAppender.feedTable(url: "https://a.example/feed", name: "A", tags: ["x"])

    @Test func theOldBytesAreAPrefixAndTablesAreSetApart() {
        func appended(_ old: String) -> String {
            String(decoding: ConfigAppender.appended("[[feed]]\n", to: Array(old.utf8)), as: UTF8.self)
        }
        #expect(appended("") == "[[feed]]\n")
        #expect(appended("# end") == "# end\n\n[[feed]]\n")
        #expect(appended("# end\n") == "# end\n\n[[feed]]\n")
        #expect(appended("# end\n\n") == "# end\n\n[[feed]]\n")
        #expect(appended("# end\r\n") == "# end\r\n\r\n[[feed]]\r\n")
    }

    @Test func quotesBackslashesAndLineEndsStayInTheirStrings() throws {
        let name = "a \"b\" \\c\n[[feed]]\nurl = \"file:/etc/passwd\"\t\u{1}\u{7F}"
        let text = ConfigAppender.feedTable(url: "https://a.example/x", name: name, tags: ["t\"1", "\\"])
        let config = try ConfigLoader.parse(text: text, path: "/x/feeds.conf")
        #expect(config.feeds.count == 1)
        #expect(config.feeds[0].name == name && config.feeds[0].tags == ["t\"1", "\\"])
    }

    @Test func appendKeepsModeAndLinkAndLoads() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("appender-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let real = folder + "/real.conf"
        try Data("[newsdesk]\ntitle = \"Mine\"".utf8).write(to: URL(fileURLWithPath: real))
        #expect(chmod(real, 0o640) == 0)
        try FileManager.default.createSymbolicLink(atPath: folder + "/feeds.conf", withDestinationPath: real)
        let config = try ConfigAppender(path: folder + "/feeds.conf").append(Self.table)
        #expect(config.feeds.map(\.url) == ["https://a.example/feed"] && config.settings.title == "Mine")
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/feeds.conf")
        #expect(link == real)
        var info = stat()
        #expect(stat(real, &info) == 0 && info.st_mode & 0o7777 == 0o640)
        let text = try String(contentsOfFile: real, encoding: .utf8)
        #expect(text == "[newsdesk]\ntitle = \"Mine\"\n\n" + Self.table)
    }

    @Test func aFileChangedMeanwhileIsNotOverwritten() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("appender-\(UUID().uuidString).conf").path
        try Data("# one\n".utf8).write(to: URL(fileURLWithPath: path))
        let appender = try ConfigAppender(path: path)
        try Data("# two\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConfigAppender.Failure.self) { try appender.append(Self.table) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "# two\n")
    }

    @Test func aTableThatWouldBreakTheConfigIsNotWritten() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("appender-\(UUID().uuidString).conf").path
        try Data("[[feed]]\nurl = \"https://a.example/feed\"\n".utf8).write(to: URL(fileURLWithPath: path))
        // The loader's own rule (same URL, another case of host): refused before writing.
        let duplicate = ConfigAppender.feedTable(url: "https://A.example/feed")
        #expect(throws: ConfigAppender.Failure.self) { try ConfigAppender(path: path).append(duplicate) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "[[feed]]\nurl = \"https://a.example/feed\"\n")
    }
}
