import Foundation

/// Makes feed HTML safe to show and plain text from it.
///
/// A tokenizer, not a full HTML parser: tags on an allow-list are rebuilt from their allowed
/// attributes, everything else is dropped (script, style, iframe, object, embed and the like with
/// their content), URLs are made absolute and `javascript:`, `vbscript:` and `data:` (but for
/// images) refused, text is re-escaped, and open tags are closed at the end.
enum HTMLSanitizer {
    /// Sanitized HTML, relative URLs resolved against `base`.
    static func sanitize(_ html: String, base: URL?) -> String {
        var writer = SanitizingWriter(base: base)
        HTMLTokenizer.run(html, into: &writer)
        return writer.finish()
    }

    /// The text of `html` with tags dropped, entities decoded and white space folded.
    static func plainText(_ html: String) -> String {
        guard html.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) else {
            return fold(html)
        }
        var writer = TextWriter()
        HTMLTokenizer.run(html, into: &writer)
        return fold(writer.text)
    }

    /// Plain text cut to at most `limit` characters at a word boundary, with an ellipsis when cut.
    static func excerpt(_ html: String, limit: Int = 280) -> String {
        let text = plainText(html)
        guard text.count > limit else { return text }
        let cut = text.prefix(limit)
        let atWord = cut.lastIndex(of: " ").map { cut[..<$0] } ?? cut
        return atWord.trimmingCharacters(in: .whitespaces) + "…"
    }

    static func fold(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    static func escapeText(_ text: some StringProtocol) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    // MARK: The allow-list

    static let allowedTags: Set<String> = [
        "a", "abbr", "acronym", "address", "article", "aside", "audio", "b", "bdi", "bdo", "big", "blockquote", "br",
        "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt",
        "em", "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i",
        "img", "ins", "kbd", "li", "mark", "ol", "p", "picture", "pre", "q", "rp", "rt", "ruby", "s", "samp",
        "section", "small", "source", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td",
        "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var", "video", "wbr",
    ]
    /// Dropped together with everything inside them.
    static let droppedWithContent: Set<String> = [
        "script", "style", "iframe", "object", "embed", "applet", "frameset", "frame", "noframes", "noembed",
        "template", "title", "head", "svg", "math", "textarea", "select", "xmp", "plaintext", "noscript",
    ]
    static let voidTags: Set<String> = ["br", "hr", "img", "wbr", "source", "col"]
    static let allowedAttributes: Set<String> = [
        "href", "src", "srcset", "alt", "title", "width", "height", "colspan", "rowspan", "cite", "datetime",
        "lang", "dir", "start", "reversed", "value", "type", "controls", "poster", "align", "valign", "span",
        "abbr", "scope", "headers", "open", "summary",
    ]
    static let urlAttributes: Set<String> = ["href", "src", "cite", "poster"]

    /// `value` as an absolute URL safe to put in a page, or nil when its scheme is not.
    static func safeURL(_ value: String, base: URL?) -> String? {
        let link = LinkResolver.resolve(HTMLEntities.decode(value), against: base)
        // Browsers ignore control characters and white space inside a scheme ("java\tscript:").
        let compact = String(String.UnicodeScalarView(link.unicodeScalars.filter { $0.value > 0x20 })).lowercased()
        guard LinkResolver.hasScheme(compact), let colon = compact.firstIndex(of: ":") else { return link }
        switch compact[..<colon] {
        case "http", "https", "mailto", "ftp", "tel", "magnet", "urn": return link
        case "data": return compact.hasPrefix("data:image/") && !compact.hasPrefix("data:image/svg") ? link : nil
        default: return nil
        }
    }
}

/// Receives tokens from `HTMLTokenizer`.
protocol HTMLTokenSink {
    mutating func text(_ text: Substring)
    mutating func startTag(_ name: String, attributes: [(name: String, value: String)], selfClosing: Bool)
    mutating func endTag(_ name: String)
}

/// Splits HTML into text, start tags and end tags; comments, doctypes and processing instructions
/// vanish, and the content of script-like elements is reported as nothing at all.
enum HTMLTokenizer {
    static func run(_ html: String, into sink: inout some HTMLTokenSink) {
        var rest = Substring(html)
        while !rest.isEmpty {
            guard let lt = rest.firstIndex(of: "<") else {
                sink.text(rest)
                return
            }
            if lt > rest.startIndex { sink.text(rest[..<lt]) }
            let after = rest[rest.index(after: lt)...]
            guard let first = after.first else {
                sink.text(rest[lt...])
                return
            }
            if first == "!" || first == "?" {
                rest = skipDeclaration(after)
            } else if first == "/" {
                let body = after.dropFirst()
                guard body.first?.isLetter == true else {
                    rest = after.firstIndex(of: ">").map { after[after.index(after: $0)...] } ?? ""
                    continue
                }
                let end = body.firstIndex(of: ">") ?? body.endIndex
                let name = body[..<end].prefix(while: { !$0.isWhitespace && $0 != "/" }).lowercased()
                sink.endTag(name)
                rest = end < body.endIndex ? body[body.index(after: end)...] : ""
            } else if first.isLetter {
                let (name, attributes, selfClosing, remainder) = parseTag(after)
                if HTMLSanitizer.droppedWithContent.contains(name) && !selfClosing {
                    rest = skipRawText(remainder, closing: name)
                } else {
                    sink.startTag(name, attributes: attributes, selfClosing: selfClosing)
                    rest = remainder
                }
            } else {
                sink.text(rest[lt..<after.startIndex])
                rest = after
            }
        }
    }

    private static func skipDeclaration(_ after: Substring) -> Substring {
        if after.hasPrefix("!--") {
            guard let end = after.range(of: "-->") else { return "" }
            return after[end.upperBound...]
        }
        guard let end = after.firstIndex(of: ">") else { return "" }
        return after[after.index(after: end)...]
    }

    private static func skipRawText(_ rest: Substring, closing name: String) -> Substring {
        var search = rest
        while let lt = search.range(of: "</") {
            let tail = search[lt.upperBound...]
            if tail.prefix(name.count).lowercased() == name {
                let end = tail.firstIndex(of: ">") ?? tail.endIndex
                return end < tail.endIndex ? tail[tail.index(after: end)...] : ""
            }
            search = tail
        }
        return ""
    }

    /// Reads `name attr="v" attr2=v2 flag>` from just after the `<`.
    private static func parseTag(_ input: Substring)
        -> (String, [(name: String, value: String)], Bool, Substring) {
        var i = input.startIndex
        while i < input.endIndex, !input[i].isWhitespace, input[i] != ">", input[i] != "/" { i = input.index(after: i) }
        let name = input[..<i].lowercased()
        var attributes: [(name: String, value: String)] = []
        var selfClosing = false
        while i < input.endIndex {
            let c = input[i]
            if c == ">" { return (name, attributes, selfClosing, input[input.index(after: i)...]) }
            if c.isWhitespace || c == "/" {
                selfClosing = c == "/"
                i = input.index(after: i)
                continue
            }
            selfClosing = false
            let nameStart = i
            while i < input.endIndex, !input[i].isWhitespace, input[i] != "=", input[i] != ">", input[i] != "/" {
                i = input.index(after: i)
            }
            let attributeName = input[nameStart..<i].lowercased()
            while i < input.endIndex, input[i].isWhitespace { i = input.index(after: i) }
            var value = ""
            if i < input.endIndex, input[i] == "=" {
                i = input.index(after: i)
                while i < input.endIndex, input[i].isWhitespace { i = input.index(after: i) }
                if i < input.endIndex, input[i] == "\"" || input[i] == "'" {
                    let quote = input[i]
                    let valueStart = input.index(after: i)
                    let valueEnd = input[valueStart...].firstIndex(of: quote) ?? input.endIndex
                    value = String(input[valueStart..<valueEnd])
                    i = valueEnd < input.endIndex ? input.index(after: valueEnd) : valueEnd
                } else {
                    let valueStart = i
                    while i < input.endIndex, !input[i].isWhitespace, input[i] != ">" { i = input.index(after: i) }
                    value = String(input[valueStart..<i])
                }
            }
            if !attributeName.isEmpty { attributes.append((attributeName, value)) }
        }
        return (name, attributes, selfClosing, "")
    }
}

/// Rebuilds allowed markup.
private struct SanitizingWriter: HTMLTokenSink {
    let base: URL?
    var out = ""
    var open: [String] = []

    init(base: URL?) { self.base = base }

    mutating func text(_ text: Substring) {
        out += HTMLSanitizer.escapeText(HTMLEntities.decode(String(text)))
    }

    mutating func startTag(_ name: String, attributes: [(name: String, value: String)], selfClosing: Bool) {
        guard HTMLSanitizer.allowedTags.contains(name) else { return }
        out += "<" + name
        var seen: Set<String> = []
        for (attribute, value) in attributes where HTMLSanitizer.allowedAttributes.contains(attribute) {
            guard seen.insert(attribute).inserted else { continue }
            var clean = HTMLEntities.decode(value)
            if HTMLSanitizer.urlAttributes.contains(attribute) {
                guard let url = HTMLSanitizer.safeURL(value, base: base) else { continue }
                clean = url
            } else if attribute == "srcset" {
                clean = clean.split(separator: ",").compactMap { candidate -> String? in
                    let parts = candidate.split(separator: " ", omittingEmptySubsequences: true)
                    guard let first = parts.first, let url = HTMLSanitizer.safeURL(String(first), base: base) else { return nil }
                    return ([url] + parts.dropFirst().map(String.init)).joined(separator: " ")
                }.joined(separator: ", ")
            }
            out += " " + attribute + "=\"" + HTMLSanitizer.escapeText(clean) + "\""
        }
        out += ">"
        if !HTMLSanitizer.voidTags.contains(name) && !selfClosing { open.append(name) }
        else if !HTMLSanitizer.voidTags.contains(name) { out += "</" + name + ">" }
    }

    mutating func endTag(_ name: String) {
        guard let index = open.lastIndex(of: name) else { return }
        for tag in open[index...].reversed() { out += "</" + tag + ">" }
        open.removeSubrange(index...)
    }

    mutating func finish() -> String {
        for tag in open.reversed() { out += "</" + tag + ">" }
        open = []
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Collects text, with a space where a tag could separate words.
private struct TextWriter: HTMLTokenSink {
    var text = ""
    mutating func text(_ piece: Substring) { text += HTMLEntities.decode(String(piece)) }
    mutating func startTag(_ name: String, attributes: [(name: String, value: String)], selfClosing: Bool) {
        if !HTMLSanitizer.inline.contains(name) { text += " " }
    }
    mutating func endTag(_ name: String) {
        if !HTMLSanitizer.inline.contains(name) { text += " " }
    }
}

extension HTMLSanitizer {
    /// Tags that do not separate words in rendered text.
    static let inline: Set<String> = [
        "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "del", "dfn", "em", "font", "i", "ins",
        "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var",
    ]
}
