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
            out +=
                "| \(index + 1) | \(Markdown.link(ranked.story.title, ranked.story.link, inTable: true)) | \(mark(ranked, redThreshold)) |\n"
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

/// Markdown that stays what it says, and reads as itself raw: people read digests in a
/// terminal, in git or in an editor as much as rendered.
enum Markdown {
    /// `text` as literal inline Markdown on one line, escaped only where CommonMark (with GFM's
    /// tables and strikethrough) would read it otherwise: `\` before the characters that start
    /// inline markup (`*`, `` ` ``, `[`, `]`, `~`, `|` in a table cell, `_` but inside a word,
    /// `<` before what could open a tag or an autolink, `&` before what could be an entity, `\`
    /// before punctuation or at the end), and before a `#`, `-`, `+`, `>` or `1.` that would
    /// start a block. Line breaks become spaces, outer spaces go (four would make code), and
    /// invisible controls (bidi overrides, zero-width characters) are removed
    /// (``PlainText/visible(_:)``). `&`, `<`, `(`, `!` and the rest stay as they are elsewhere.
    static func escape(_ text: String, inTable: Bool = false) -> String {
        var characters: [Character] = []
        for character in PlainText.visible(text) {
            switch character {
            case "\n", "\r", "\t", "\u{2028}", "\u{2029}", "\r\n": characters.append(" ")
            default: characters.append(character)
            }
        }
        while characters.first == " " { characters.removeFirst() }
        while characters.last == " " { characters.removeLast() }
        var out = ""
        for (index, character) in characters.enumerated() {
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            let previous = index > 0 ? characters[index - 1] : nil
            switch character {
            case "*", "`", "[", "]", "~": out += "\\"
            case "|" where inTable: out += "\\"
            case "_" where !(previous.map(isWordCharacter) == true && next.map(isWordCharacter) == true): out += "\\"
            case "<" where next.map { $0.isASCII && ($0.isLetter || "/!?".contains($0)) } == true: out += "\\"
            case "&" where startsEntity(characters[(index + 1)...]): out += "\\"
            case "\\" where next.map { $0.isASCII && ($0.isPunctuation || $0.isSymbol) } ?? true: out += "\\"
            default: break
            }
            out.append(character)
        }
        return escapeBlockStart(out)
    }

    /// `line` with a backslash where its start would open a block: a heading (`# `), a list
    /// item (`- `, `+ `, `1. `, `1) `), a rule (`--`), a quote (`>`).
    private static func escapeBlockStart(_ line: String) -> String {
        func spaceOrEnd(_ rest: Substring) -> Bool { rest.first.map { $0 == " " } ?? true }
        guard let first = line.first else { return line }
        switch first {
        case "#":
            let hashes = line.prefix { $0 == "#" }.count
            return hashes <= 6 && spaceOrEnd(line.dropFirst(hashes)) ? "\\" + line : line
        case "-": return spaceOrEnd(line.dropFirst()) || line.dropFirst().first == "-" ? "\\" + line : line
        case "+": return spaceOrEnd(line.dropFirst()) ? "\\" + line : line
        case ">": return "\\" + line
        default:
            let digits = line.prefix { $0.isASCII && $0.isNumber }
            guard (1...9).contains(digits.count), let mark = line.dropFirst(digits.count).first, mark == "." || mark == ")",
                spaceOrEnd(line.dropFirst(digits.count + 1))
            else { return line }
            return digits + "\\" + line.dropFirst(digits.count)
        }
    }

    /// A character that makes `_` beside it part of a word (no emphasis can start or end there).
    private static func isWordCharacter(_ character: Character) -> Bool { character.isLetter || character.isNumber }

    /// Whether the characters after an `&` would make it a character reference (`amp;`,
    /// `#38;`, `#x26;`): then the `&` needs its backslash.
    private static func startsEntity(_ rest: ArraySlice<Character>) -> Bool {
        var body = rest.prefix(34)
        if body.first == "#" {
            body = body.dropFirst()
            if body.first == "x" || body.first == "X" { body = body.dropFirst() }
        }
        guard let semicolon = body.firstIndex(of: ";"), semicolon > body.startIndex else { return false }
        return body[..<semicolon].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    /// `[text](url)` when `url` is an http(s) link, else the escaped text alone.
    static func link(_ text: String, _ url: String?, inTable: Bool = false) -> String {
        let label = escape(text.isEmpty ? "(untitled)" : text, inTable: inTable)
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
