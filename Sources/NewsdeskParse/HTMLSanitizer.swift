import Foundation
import NewsdeskBase

/// Makes feed HTML safe to show and plain text from it.
///
/// A tokenizer (`HTMLTokenizer`), not a full HTML parser: tags on an allow-list are rebuilt from
/// their allowed attributes, everything else is dropped (script, style, iframe, object, embed and
/// the like with their content), URLs are made absolute and `javascript:`, `vbscript:` and `data:`
/// (but for images) refused, text is re-escaped, and open tags are closed at the end.
package enum HTMLSanitizer {
    /// Sanitized HTML, relative URLs resolved against `base`.
    static func sanitize(_ html: String, base: URL?) -> String {
        Whitespace.withBytes(html) { sanitize($0, base: base) }
    }

    static func sanitize(_ bytes: UnsafeBufferPointer<UInt8>, base: URL?) -> String {
        sanitize(bytes, base: base, excerptLimit: 0).html
    }

    /// Sanitized HTML and, in the same pass, the excerpt of up to `excerptLimit` characters
    /// (none when the limit is 0).
    static func sanitize(_ bytes: UnsafeBufferPointer<UInt8>, base: URL?, excerptLimit: Int) -> (html: String, excerpt: String) {
        var writer = SanitizingWriter(base: base, capacity: bytes.count, excerptLimit: excerptLimit > 0 ? excerptLimit : -1)
        HTMLTokenizer.run(bytes, into: &writer)
        writer.closeAll()
        let html = writer.out.withBytes { Whitespace.trimmed($0) }
        guard excerptLimit > 0 else { return (html, "") }
        return (html, writer.text.excerpt)
    }

    /// The text of `html` with tags dropped, entities decoded and white space folded.
    static func plainText(_ html: String) -> String {
        Whitespace.withBytes(html) { plainText($0) }
    }

    static func plainText(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var writer = TextWriter(limit: .max)
        HTMLTokenizer.run(bytes, into: &writer)
        return writer.withFolded { String(decoding: $0, as: UTF8.self) }
    }

    /// Plain text cut to at most `limit` characters (Unicode scalars) at a word boundary, with an
    /// ellipsis when cut. Reads no more of `html` than it needs.
    static func excerpt(_ html: String, limit: Int = 280) -> String {
        Whitespace.withBytes(html) { bytes in
            var writer = TextWriter(limit: limit)
            HTMLTokenizer.run(bytes, into: &writer)
            return writer.excerpt
        }
    }

    /// The excerpt of text that is plain already (no markup, no references to decode).
    static func excerpt(plainText bytes: UnsafeBufferPointer<UInt8>, limit: Int = 280) -> String {
        var writer = TextWriter(limit: limit)
        writer.append(bytes, decode: false)
        return writer.excerpt
    }

    /// Folded text (as `TextWriter` gathers it) cut to `limit` scalars at a word (else where a
    /// character ends), with an ellipsis when anything was left out.
    static func cutExcerpt(_ text: UnsafeBufferPointer<UInt8>, unread: Bool, limit: Int) -> String {
        // Counted on the decoded text, where a stray byte of invalid UTF-8 is a U+FFFD of its own,
        // so that such input cannot run past the limit.
        PlainText.cut(String(decoding: text, as: UTF8.self), to: limit, atWord: true, more: unread)
    }

    package static func escapeText(_ text: some StringProtocol) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        UTF8Text.appendEscaped(String(text), to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: The allow-list lives in HTMLVocabulary.

    /// `link` (entities already decoded) as an absolute URL safe to put in a page, or nil when
    /// its scheme is not on the allow-list.
    static func safeURL(_ link: String, base: URL?) -> String? {
        // Browsers ignore control characters and white space inside a scheme ("java\tscript:").
        var scheme: [UInt8] = []
        var sawColon = false
        for byte in link.utf8 {
            if byte <= 0x20 { continue }
            if byte == UInt8(ascii: ":") {
                sawColon = true
                break
            }
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") || scheme.count > 16 { break }
            scheme.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        }
        guard sawColon else { return LinkResolver.resolve(link, against: base) }
        switch String(decoding: scheme, as: UTF8.self) {
        case "http", "https", "mailto", "ftp", "tel", "magnet", "urn": return Whitespace.trim(link)
        case "data":
            let lower = Whitespace.trim(link).lowercased()
            return lower.hasPrefix("data:image/") && !lower.hasPrefix("data:image/svg") ? Whitespace.trim(link) : nil
        default: return nil
        }
    }
}

/// Rebuilds allowed markup.
private struct SanitizingWriter: HTMLTokenSink, ~Copyable {
    let base: URL?
    var out: ByteBuffer
    /// Ids of the open allowed tags, innermost last.
    var open: [UInt8] = []
    /// The plain text for an excerpt, gathered in the same pass (up to its own limit).
    var text: TextWriter
    /// Read once per document, not at every tag (each read checks the tables' initialization).
    let tags = HTMLVocabulary.tags
    let attributeNames = HTMLVocabulary.attributes

    init(base: URL?, capacity: Int, excerptLimit: Int) {
        self.base = base
        self.text = TextWriter(limit: excerptLimit)
        out = ByteBuffer(capacity: capacity + capacity / 8)
    }

    mutating func text(_ piece: UnsafeBufferPointer<UInt8>) {
        UTF8Text.appendDecoded(piece, escape: true, to: &out)
        if !text.isFull { text.text(piece) }
    }

    mutating func startTag(_ tag: HTMLName?, attributes: [HTMLTokenizer.Attribute], selfClosing: Bool) {
        if !text.isFull { text.startTag(tag, attributes: attributes, selfClosing: selfClosing) }
        guard let tag, tag.flags.contains(.allowed) else { return }
        out.append(UInt8(ascii: "<"))
        out.append(contentsOf: tags.spelling(tag.id))
        var seen: UInt64 = 0
        for attribute in attributes {
            guard let name = attribute.name, name.flags.contains(.allowed), seen & (1 << name.id) == 0 else { continue }
            seen |= 1 << name.id
            if name.flags.contains(.url), Self.isPlainHTTPURL(attribute.value) {
                // The common case, an absolute http(s) URL with nothing to decode: copied as is.
                appendAttribute(name, { UTF8Text.appendEscaped(attribute.value, to: &$0) })
            } else if name.flags.contains(.url) || name.flags.contains(.srcset) {
                var decoded: [UInt8] = []
                UTF8Text.appendDecoded(attribute.value, escape: false, to: &decoded)
                guard let clean = safeURLs(String(decoding: decoded, as: UTF8.self), srcset: name.flags.contains(.srcset)) else { continue }
                appendAttribute(name, { UTF8Text.appendEscaped(clean, to: &$0) })
            } else {
                appendAttribute(name, { UTF8Text.appendDecoded(attribute.value, escape: true, to: &$0) })
            }
        }
        out.append(UInt8(ascii: ">"))
        if tag.flags.contains(.void) { return }
        if selfClosing { closeTag(tag.id) } else { open.append(tag.id) }
    }

    /// Whether `value` starts with http:// or https:// and holds no white space, control
    /// characters or references that could change what it means.
    private static func isPlainHTTPURL(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard value.count > 8, value[0] | 0x20 == UInt8(ascii: "h"), value[1] | 0x20 == UInt8(ascii: "t"),
            value[2] | 0x20 == UInt8(ascii: "t"), value[3] | 0x20 == UInt8(ascii: "p")
        else { return false }
        let rest = value[4] | 0x20 == UInt8(ascii: "s") ? 5 : 4
        guard value[rest] == UInt8(ascii: ":"), value[rest + 1] == UInt8(ascii: "/"), value[rest + 2] == UInt8(ascii: "/") else {
            return false
        }
        return ByteScan.isPlainURLText(value)
    }

    private mutating func appendAttribute(_ name: HTMLName, _ value: (inout ByteBuffer) -> Void) {
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: attributeNames.spelling(name.id))
        UTF8Text.append("=\"", to: &out)
        value(&out)
        out.append(UInt8(ascii: "\""))
    }

    /// A URL (or a srcset's URLs) made absolute and checked; nil when nothing safe is left.
    private func safeURLs(_ value: String, srcset: Bool) -> String? {
        guard srcset else { return HTMLSanitizer.safeURL(value, base: base) }
        // "url [descriptor], url [descriptor]": split on the UTF-8 bytes, not on Characters.
        let candidates = value.utf8.split(separator: UInt8(ascii: ",")).compactMap { candidate -> String? in
            let parts = candidate.split(whereSeparator: Whitespace.isASCIISpace)
            guard let first = parts.first,
                let url = HTMLSanitizer.safeURL(String(decoding: first, as: UTF8.self), base: base)
            else { return nil }
            // Only descriptors a browser reads ("640w", "1.5x", "480h") are kept: anything else
            // is words that would ride along inside the attribute.
            let descriptors = parts.dropFirst().filter(Self.isSrcsetDescriptor).map { String(decoding: $0, as: UTF8.self) }
            return ([url] + descriptors).joined(separator: " ")
        }
        return candidates.isEmpty ? nil : candidates.joined(separator: ", ")
    }

    /// Digits, at most one decimal point among them, then `w`, `x` or `h`.
    static func isSrcsetDescriptor(_ part: Substring.UTF8View.SubSequence) -> Bool {
        guard let unit = part.last, unit | 0x20 == UInt8(ascii: "w") || unit | 0x20 == UInt8(ascii: "x") || unit | 0x20 == UInt8(ascii: "h")
        else { return false }
        var digits = 0
        var points = 0
        for byte in part.dropLast() {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits += 1
            } else if byte == UInt8(ascii: ".") {
                points += 1
            } else {
                return false
            }
        }
        return digits > 0 && points <= 1
    }

    mutating func endTag(_ tag: HTMLName?) {
        if !text.isFull { text.endTag(tag) }
        guard let tag, let index = open.lastIndex(of: tag.id) else { return }
        while open.count > index { closeTag(open.removeLast()) }
    }

    private mutating func closeTag(_ id: UInt8) {
        UTF8Text.append("</", to: &out)
        out.append(contentsOf: tags.spelling(id))
        out.append(UInt8(ascii: ">"))
    }

    /// Closes the tags left open at the end of the input.
    mutating func closeAll() {
        for id in open.reversed() { closeTag(id) }
        open = []
    }
}
