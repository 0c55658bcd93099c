import Foundation

/// Makes feed HTML safe to show and plain text from it.
///
/// A tokenizer (`HTMLTokenizer`), not a full HTML parser: tags on an allow-list are rebuilt from
/// their allowed attributes, everything else is dropped (script, style, iframe, object, embed and
/// the like with their content), URLs are made absolute and `javascript:`, `vbscript:` and `data:`
/// (but for images) refused, text is re-escaped, and open tags are closed at the end.
enum HTMLSanitizer {
    /// Sanitized HTML, relative URLs resolved against `base`.
    static func sanitize(_ html: String, base: URL?) -> String {
        UTF8Text.withBytes(html) { bytes in
            var writer = SanitizingWriter(base: base, capacity: bytes.count)
            HTMLTokenizer.run(bytes, into: &writer)
            return UTF8Text.trim(writer.finish())
        }
    }

    /// The text of `html` with tags dropped, entities decoded and white space folded; with a
    /// `limit`, reading stops once about that many bytes of text are in.
    static func plainText(_ html: String, limit: Int = .max) -> String {
        UTF8Text.withBytes(html) { bytes in
            var folded: [UInt8] = []
            guard bytes.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) else {
                UTF8Text.fold(UnsafeBufferPointer(rebasing: bytes.prefix(limit)), into: &folded)
                return String(decoding: folded, as: UTF8.self)
            }
            var writer = TextWriter(limit: limit)
            HTMLTokenizer.run(bytes, into: &writer)
            writer.text.withUnsafeBufferPointer { UTF8Text.fold($0, into: &folded) }
            return String(decoding: folded, as: UTF8.self)
        }
    }

    /// Plain text cut to at most `limit` characters at a word boundary, with an ellipsis when cut.
    static func excerpt(_ html: String, limit: Int = 280) -> String {
        let text = plainText(html, limit: limit * 4 + 64)
        guard text.utf8.count > limit, text.count > limit else { return text }
        let cut = text.prefix(limit)
        let atWord = cut.lastIndex(of: " ").map { cut[..<$0] } ?? cut
        return UTF8Text.trim(String(atWord)) + "…"
    }

    static func fold(_ text: String) -> String { UTF8Text.fold(text) }

    static func escapeText(_ text: some StringProtocol) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        UTF8Text.appendEscaped(String(text), to: &out)
        return String(decoding: out, as: UTF8.self)
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
    /// Dropped together with everything inside them (`embed` is void in HTML5: only the tag goes).
    static let droppedWithContent: Set<String> = [
        "script", "style", "iframe", "object", "applet", "frameset", "frame", "noframes", "noembed",
        "template", "title", "head", "svg", "math", "textarea", "select", "xmp", "plaintext", "noscript",
    ]
    static let voidTags: Set<String> = ["br", "hr", "img", "wbr", "source", "col"]
    static let allowedAttributes: Set<String> = [
        "href", "src", "srcset", "alt", "title", "width", "height", "colspan", "rowspan", "cite", "datetime",
        "lang", "dir", "start", "reversed", "value", "type", "controls", "poster", "align", "valign", "span",
        "abbr", "scope", "headers", "open", "summary",
    ]
    static let urlAttributes: Set<String> = ["href", "src", "cite", "poster"]

    /// `link` (entities already decoded) as an absolute URL safe to put in a page, or nil when
    /// its scheme is not on the allow-list.
    static func safeURL(_ link: String, base: URL?) -> String? {
        // Browsers ignore control characters and white space inside a scheme ("java\tscript:").
        var scheme: [UInt8] = []
        var sawColon = false
        for byte in link.utf8 {
            if byte <= 0x20 { continue }
            if byte == UInt8(ascii: ":") { sawColon = true; break }
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") || scheme.count > 16 { break }
            scheme.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        }
        guard sawColon else { return LinkResolver.resolve(link, against: base) }
        switch String(decoding: scheme, as: UTF8.self) {
        case "http", "https", "mailto", "ftp", "tel", "magnet", "urn": return UTF8Text.trim(link)
        case "data":
            let lower = UTF8Text.trim(link).lowercased()
            return lower.hasPrefix("data:image/") && !lower.hasPrefix("data:image/svg") ? UTF8Text.trim(link) : nil
        default: return nil
        }
    }
}

/// Rebuilds allowed markup.
private struct SanitizingWriter: HTMLTokenSink {
    let base: URL?
    var out: [UInt8] = []
    var open: [String] = []

    init(base: URL?, capacity: Int) {
        self.base = base
        out.reserveCapacity(capacity)
    }

    mutating func text(_ text: UnsafeBufferPointer<UInt8>) {
        UTF8Text.appendDecoded(text, escape: true, to: &out)
    }

    mutating func startTag(_ name: String, attributes: [HTMLTokenizer.Attribute], selfClosing: Bool) {
        guard HTMLSanitizer.allowedTags.contains(name) else { return }
        out.append(UInt8(ascii: "<"))
        out.append(contentsOf: name.utf8)
        var seen: [String] = []
        for attribute in attributes where HTMLSanitizer.allowedAttributes.contains(attribute.name) {
            guard !seen.contains(attribute.name) else { continue }
            seen.append(attribute.name)
            var decoded: [UInt8] = []
            UTF8Text.appendDecoded(attribute.value, escape: false, to: &decoded)
            var clean = String(decoding: decoded, as: UTF8.self)
            if HTMLSanitizer.urlAttributes.contains(attribute.name) {
                guard let url = HTMLSanitizer.safeURL(clean, base: base) else { continue }
                clean = url
            } else if attribute.name == "srcset" {
                clean = clean.split(separator: ",").compactMap { candidate -> String? in
                    let parts = candidate.split(separator: " ", omittingEmptySubsequences: true)
                    guard let first = parts.first, let url = HTMLSanitizer.safeURL(String(first), base: base) else { return nil }
                    return ([url] + parts.dropFirst().map(String.init)).joined(separator: " ")
                }.joined(separator: ", ")
            }
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: attribute.name.utf8)
            out.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "\"")])
            UTF8Text.appendEscaped(clean, to: &out)
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: ">"))
        if HTMLSanitizer.voidTags.contains(name) { return }
        if selfClosing { closeTag(name) } else { open.append(name) }
    }

    mutating func endTag(_ name: String) {
        guard let index = open.lastIndex(of: name) else { return }
        for tag in open[index...].reversed() { closeTag(tag) }
        open.removeSubrange(index...)
    }

    private mutating func closeTag(_ name: String) {
        out.append(contentsOf: [UInt8(ascii: "<"), UInt8(ascii: "/")])
        out.append(contentsOf: name.utf8)
        out.append(UInt8(ascii: ">"))
    }

    mutating func finish() -> String {
        for tag in open.reversed() { closeTag(tag) }
        open = []
        return String(decoding: out, as: UTF8.self)
    }
}

/// Collects text, with a space where a tag could separate words.
private struct TextWriter: HTMLTokenSink {
    let limit: Int
    var text: [UInt8] = []

    init(limit: Int) { self.limit = limit }

    var isFull: Bool { text.count >= limit }

    mutating func text(_ piece: UnsafeBufferPointer<UInt8>) { UTF8Text.appendDecoded(piece, escape: false, to: &text) }

    mutating func startTag(_ name: String, attributes: [HTMLTokenizer.Attribute], selfClosing: Bool) {
        if !HTMLSanitizer.inline.contains(name) { text.append(0x20) }
    }

    mutating func endTag(_ name: String) {
        if !HTMLSanitizer.inline.contains(name) { text.append(0x20) }
    }
}

extension HTMLSanitizer {
    /// Tags that do not separate words in rendered text.
    static let inline: Set<String> = [
        "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "del", "dfn", "em", "font", "i", "ins",
        "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var",
    ]
}
