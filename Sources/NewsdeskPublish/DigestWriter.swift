import Foundation
import NewsdeskParse
import NewsdeskStories

/// Writes the Markdown digest of a window: a ranked table, then each story with its score
/// explained, its sources and its excerpt. Nothing from a feed can break the Markdown, inject
/// markup or display as something else: every text is escaped, invisible controls are removed,
/// and only http(s) links are emitted.
public enum DigestWriter {
    public static func render(title: String, stories: [RankedStory], redThreshold: Int) -> String {
        var out = "# \(Markdown.escape(title))\n\n"
        guard !stories.isEmpty else { return out + "No story had new coverage in this period.\n" }
        out += "| # | Title | i-Score |\n|---|-------|---------|\n"
        for (index, ranked) in stories.enumerated() {
            out += "| \(index + 1) | \(Markdown.link(ranked.story.title, ranked.story.link)) | \(mark(ranked, redThreshold)) |\n"
        }
        for (index, ranked) in stories.enumerated() {
            out += "\n## \(index + 1). \(Markdown.link(ranked.story.title, ranked.story.link))\n\n"
            out += "**\(mark(ranked, redThreshold))**: \(Markdown.escape(ranked.score.summary))\n\n"
            if let first = ranked.story.firstReporter { out += "First reported by \(Markdown.link(first.name, first.link)).\n\n" }
            out += "Sources:\n\n"
            for source in ranked.story.sources {
                out += "- \(Markdown.link(source.name, source.link))"
                if let title = source.title, title != ranked.story.title { out += ": \(Markdown.escape(title))" }
                out += "\n"
            }
            if let excerpt = ranked.story.excerpt, !excerpt.isEmpty { out += "\n> \(Markdown.escape(excerpt))\n" }
        }
        return out
    }

    static func mark(_ ranked: RankedStory, _ red: Int) -> String {
        "\(ranked.score.total >= red ? "🔴" : "🔵") \(ranked.score.total) / 100"
    }
}

/// Markdown that stays what it says.
enum Markdown {
    /// `text` as literal inline Markdown on one line: every character with an inline meaning
    /// (or one in a table cell) backslash-escaped, `<`, `>` and `&` as entities, line breaks as
    /// spaces, a leading `#`, `-`, `+`, `=` or `1.` that could start a block escaped too, and
    /// invisible controls (bidi overrides, zero-width characters) removed (``PlainText/visible(_:)``).
    static func escape(_ text: String) -> String {
        var out = ""
        for character in PlainText.visible(text) {
            switch character {
            case "\n", "\r", "\t", "\u{2028}", "\u{2029}", "\r\n": out.append(" ")
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\\", "`", "*", "_", "{", "}", "[", "]", "(", ")", "!", "|", "~":
                out += "\\" + String(character)
            default: out.append(character)
            }
        }
        let trimmed = out.drop { $0 == " " }
        if let first = trimmed.first, "#-+=".contains(first) {
            out = "\\" + trimmed
        } else if let dot = trimmed.firstIndex(where: { !$0.isASCII || !$0.isNumber }), dot != trimmed.startIndex,
            trimmed[dot] == "." || trimmed[dot] == ")"
        {
            out = String(trimmed[..<dot]) + "\\" + String(trimmed[dot...])
        }
        return out
    }

    /// `[text](url)` when `url` is an http(s) link, else the escaped text alone.
    static func link(_ text: String, _ url: String?) -> String {
        let label = escape(text.isEmpty ? "(untitled)" : text)
        guard let url = url.flatMap(AtomWriter.webLink) else { return label }
        var target = ""
        for scalar in url.unicodeScalars {
            switch scalar {
            case "(", ")", "<", ">", "\\", "\"", " ", "`", "|", "[", "]": target += String(format: "%%%02X", scalar.value)
            default: target.unicodeScalars.append(scalar)
            }
        }
        return "[\(label)](\(target))"
    }
}
