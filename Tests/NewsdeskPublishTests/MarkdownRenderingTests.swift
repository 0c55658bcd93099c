import Foundation
import Testing

@testable import NewsdeskPublish

/// The digest as a renderer reads it: `cmark-gfm` (Debian's package; CommonMark with GitHub's
/// tables, strikethrough and autolinks) turns every escaped text back into exactly the text it
/// was, and turns nothing a feed wrote into markup. The raw view is checked beside it: what
/// needs no escape keeps its bytes (PublisherTests).
@Suite struct MarkdownRenderingTests {
    /// Texts that must come out as themselves: ordinary ones (which keep their bytes raw) and
    /// ones full of Markdown and HTML.
    static let texts = [
        "Harbour & Town Gazette", "Fish & chips; 3 < 4 > 2", "snake_case_name and __init__", "C:\\Users\\me\\", "Up 5% (again)!",
        "#1 in the charts", "# Not a heading", "-5 degrees", "- not a list", "+ nor this", "2026. A year", "3) three", "> not quoted",
        "--- not a rule", "a|b [c](d) *e* _f_ `g` <h> ~~i~~ \\*j", "Evil <script>alert(1)</script> & [x](javascript:alert(2))",
        "<b>bold</b> <!-- c --> <?php x ?> <http:nope>", "AT&amp;T &#38; &#x26; &copy; &T; R&D", "![img](https://x.example/i.png)",
        "***", "___", "Line one\nline two", "   four spaces    first", "```", "[^1] footnote", "<https://x.example/>", "\\", "a \\",
    ]

    /// HTML's escaping of `text`, as cmark-gfm writes text.
    static func html(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// `markdown` as cmark-gfm renders it, with GitHub's tables and strikethrough, and with
    /// `autolinks` its bare-URL links too (which link what only looks like a web or mail
    /// address, with that address, so they are checked apart).
    static func render(_ markdown: String, autolinks: Bool = false) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/cmark-gfm")
        process.arguments = ["--extension", "table", "--extension", "strikethrough"] + (autolinks ? ["--extension", "autolink"] : [])
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(markdown.utf8))
        try input.fileHandleForWriting.close()
        let html = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return html
    }

    /// What the digest shows of `text`: on one line, without spaces at its ends.
    static func shown(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
    }

    @Test func everyEscapedTextRendersAsItself() throws {
        for text in Self.texts {
            let paragraph = try Self.render(Markdown.escape(text))
            #expect(paragraph == "<p>" + Self.html(Self.shown(text)) + "</p>\n", "\(text.debugDescription) -> \(Markdown.escape(text))")
            let item = try Self.render("- " + Markdown.escape(text))
            #expect(item == "<ul>\n<li>" + Self.html(Self.shown(text)) + "</li>\n</ul>\n", "\(text.debugDescription) in a list")
            let heading = try Self.render("## " + Markdown.escape(text))
            #expect(heading == "<h2>" + Self.html(Self.shown(text)) + "</h2>\n", "\(text.debugDescription) in a heading")
            let quote = try Self.render("> " + Markdown.escape(text))
            #expect(quote == "<blockquote>\n<p>" + Self.html(Self.shown(text)) + "</p>\n</blockquote>\n", "\(text.debugDescription) quoted")
            let cell = try Self.render("| a | b |\n|---|---|\n| 1 | " + Markdown.escape(text, inTable: true) + " |\n")
            #expect(cell.contains("<td>" + Self.html(Self.shown(text)) + "</td>"), "\(text.debugDescription) in a table: \(cell)")
        }
    }

    @Test func aLinkLabelRendersAsItsText() throws {
        for text in Self.texts {
            let html = try Self.render(Markdown.link(text, "https://x.example/a"))
            #expect(html == "<p><a href=\"https://x.example/a\">" + Self.html(Self.shown(text)) + "</a></p>\n", "\(text.debugDescription)")
        }
    }

    /// The golden digest (a hostile story among them) renders with our markup only.
    @Test func theDigestRendersWithOnlyItsOwnMarkup() throws {
        let (stories, _) = try GoldenOutputTests.ranking()
        let markdown = DigestWriter.render(title: "Top news, 2026-11-27 05:00-06:00 UTC", stories: stories, redThreshold: 60)
        let html = try Self.render(markdown, autolinks: true)
        #expect(html.components(separatedBy: "<h2>").count - 1 == stories.count)
        #expect(html.components(separatedBy: "<tr>").count - 1 == stories.count + 1)
        #expect(html.components(separatedBy: "<strong>").count - 1 == stories.count)
        for tag in ["<script", "<b>", "<i>", "<em>", "<del>", "<code>", "<img"] {
            #expect(!html.contains(tag), "\(tag) in\n\(html)")
        }
        let targets = html.components(separatedBy: "href=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(!targets.isEmpty && targets.allSatisfy { $0.hasPrefix("https://") || $0.hasPrefix("http://") }, "\(targets)")
        #expect(html.contains("Evil &lt;script&gt;alert(1)&lt;/script&gt; &amp; [x](javascript:alert(2))"), "\(html)")
        #expect(html.contains(">Island Radio &amp; Friends</a>"))
        #expect(markdown.contains("[Island Radio & Friends]("), "raw, the ampersand is an ampersand")
    }
}
