import Foundation
import NewsdeskBase

/// The blocks of an item's sanitized HTML, each with a normalized shape to compare across items,
/// and the few well-known boilerplate patterns that need no repetition to be recognised.
///
/// Blocks: the leaf block elements (`<p>`, `<li>`, `<h1>`-`<h6>`, a `<div>` or `<blockquote>`
/// without block children; `<table>`, `<pre>` and `<figure>` whole), the runs of text and inline
/// markup between them, split at `<br><br>` and at blank lines (at every line break in text
/// without any markup). Each block is a byte range of the HTML, so removing blocks leaves the
/// markup balanced; containers emptied by it are dropped.
///
/// Shape: the visible text, lower-cased, everything that is not a letter or digit a space, white
/// space folded (digits are kept: a weather or sports feed's items differ only in them); the item's own title is one placeholder, so "The
/// post <title> appeared first on <site>" has one shape in every item. A block whose shape is
/// empty (an image) or only the title is never boilerplate.
///
/// Patterns (``pattern(_:)``), whole-block matches on the shape:
/// - anywhere: a lone "Advertisement", "Sponsored", "Sponsored content", "Ad";
/// - in the trailing run of blocks only: "The post … appeared first on …" (WordPress),
///   "Continue reading …", "Read more …", "Keep reading …", "This article originally appeared
///   on …" (and "story"/"post", "was originally published"), "Subscribe to our newsletter …",
///   and a Jetpack "Share this:"/"Like this:" heading with the short labels after it.
/// Edits at the very end of a field: a trailing `[…]` becomes `…`, and a last link reading
/// "Continue reading …" or "Read more …" is cut.
enum Boilerplate {
    /// One block of a field's HTML.
    struct Block: Equatable {
        var range: Range<Int>
        /// The normalized text (see the type); "" for a block without text.
        var shape: String
        /// Nil when the block can never be boilerplate by repetition: no text, or the item's title
        /// in it (a lead that restates the title, "<title>, officials said", is the item's own in
        /// every item alike; "The post <title> appeared first on …" is a known pattern).
        var hash: UInt64?
        var words: Int
    }

    /// Stands for the item's title inside a shape.
    static let titleMark = "\u{1}"

    /// The blocks of `html` (sanitized HTML), in order, shaped against `titleShape`.
    static func blocks(_ html: [UInt8], titleShape: String) -> [Block] {
        split(html).map { range in
            let text = HTMLSanitizer.plainText(String(decoding: html[range], as: UTF8.self))
            let shape = self.shape(text, title: titleShape)
            let hashable = !shape.isEmpty && !shape.contains(titleMark)
            let words = shape.split(separator: " ").count
            return Block(range: range, shape: shape, hash: hashable ? fnv(shape.utf8) : nil, words: words)
        }
    }

    /// The normalized form of `text` (see the type); `title` is a shape already.
    static func shape(_ text: String, title: String = "") -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var lastWasSpace = true
        // ASCII, the common case, by bytes: its letters and digits are what the properties say.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count)
            for byte in text.utf8 {
                let lower = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
                if (lower >= 0x61 && lower <= 0x7A) || (lower >= 0x30 && lower <= 0x39) || lower == 0x01 {
                    bytes.append(lower)
                    lastWasSpace = false
                } else if !lastWasSpace {
                    bytes.append(0x20)
                    lastWasSpace = true
                }
            }
            out = String(decoding: bytes, as: UTF8.self)
        } else {
            for scalar in text.lowercased().unicodeScalars {
                let properties = scalar.properties
                if properties.isAlphabetic || properties.numericType != nil || scalar == "\u{1}" {
                    out.unicodeScalars.append(scalar)
                    lastWasSpace = false
                } else if !lastWasSpace {
                    out.unicodeScalars.append(" ")
                    lastWasSpace = true
                }
            }
        }
        if out.hasSuffix(" ") { out.removeLast() }
        guard title.count >= 2, out.contains(title) else { return out }
        return out.replacingOccurrences(of: title, with: titleMark)
    }

    static func fnv(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a, 64 bits
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    // MARK: Patterns

    /// Where a pattern may match.
    enum Place { case anywhere, trailing }

    private static let lone: Set<String> = ["advertisement", "sponsored", "sponsored content", "ad", "anzeige", "publicité"]
    private static let trailingPatterns: [NSRegularExpression] = [
        "^the post .{1,400} appeared first on .{1,200}$",
        "^(continue reading|read more|keep reading|read the (full|rest|whole)( of)?( the)? (story|article|post))( .{0,100})?$",
        "^this (article|story|post|piece) (was )?(originally|first) (appeared|published|posted|ran) (on|in|at|by) .{1,200}$",
        "^(subscribe|sign up) (to|for) (our|the) (free )?(daily |weekly )?(newsletter|mailing list)( .{0,200})?$",
    ].compactMap { try? NSRegularExpression(pattern: $0) }
    private static let trailingStarts = ["the post ", "continue reading", "read ", "keep reading", "this ", "subscribe ", "sign up "]
    /// Jetpack's sharing and likes headings: the short labels after them go too.
    private static let sharingHeadings: Set<String> = ["share this", "like this", "share", "like loading"]

    /// Whether `shape` is a well-known boilerplate block, and where it may be.
    static func pattern(_ shape: String) -> Place? {
        if lone.contains(shape) { return .anywhere }
        if sharingHeadings.contains(shape) { return .trailing }
        // Every trailing pattern starts with one of these: most blocks need no regex at all.
        guard trailingStarts.contains(where: { shape.hasPrefix($0) }) else { return nil }
        let range = NSRange(shape.startIndex..., in: shape)
        return trailingPatterns.contains { $0.firstMatch(in: shape, range: range) != nil } ? .trailing : nil
    }

    /// Whether `shape` is a sharing heading (its trailing short labels go with it).
    static func isSharingHeading(_ shape: String) -> Bool { sharingHeadings.contains(shape) }

    private static let ellipsisEnd = try? NSRegularExpression(pattern: "\\s*\\[(…|\\.\\.\\.|&hellip;|&#8230;)\\]((\\s*</[a-z0-9]+>)*\\s*)$")
    private static let moreLinkEnd = try? NSRegularExpression(
        pattern: "\\s*<a [^>]*>([^<]{0,200}(<[a-z]+[^>]*>[^<]{0,200}</[a-z]+>[^<]{0,40})?)</a>([\\s.…→»›]*((\\s*</[a-z0-9]+>)*)\\s*)$")

    /// `html` with a trailing `[…]` made `…` and a trailing "Continue reading" link cut, and the
    /// bytes that took out (0 when nothing changed).
    static func trimEnd(_ html: String, titleShape: String) -> (html: String, removed: Int) {
        var html = html
        var removed = 0
        // Both endings are short: a field whose last bytes hold neither `]` nor `</a>` has neither,
        // and the expressions, anchored at the end, are not run over the whole field.
        let tail = String(decoding: html.utf8.suffix(400), as: UTF8.self)
        guard tail.contains("]") || tail.contains("</a>") else { return (html, 0) }
        if let regex = ellipsisEnd, let match = regex.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)),
            let whole = Range(match.range, in: html), let closing = Range(match.range(at: 2), in: html)
        {
            let replacement = "…" + html[closing]
            removed += html[whole].utf8.count - replacement.utf8.count
            html.replaceSubrange(whole, with: replacement)
        }
        if let regex = moreLinkEnd, let match = regex.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)),
            let whole = Range(match.range, in: html), let text = Range(match.range(at: 1), in: html),
            let closing = Range(match.range(at: 4), in: html),
            pattern(shape(HTMLSanitizer.plainText(String(html[text])), title: titleShape)) == .trailing,
            whole.lowerBound > html.startIndex
        {
            let replacement = String(html[closing])
            removed += html[whole].utf8.count - replacement.utf8.count
            html.replaceSubrange(whole, with: replacement)
        }
        return (html, removed)
    }

    // MARK: Splitting

    private static let blockTags: Set<String> = [
        "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "figcaption", "footer", "h1", "h2",
        "h3", "h4", "h5", "h6", "header", "li", "main", "nav", "ol", "p", "section", "summary", "ul", "caption", "center",
    ]
    /// Block elements taken whole: splitting them would break what they mean.
    private static let atomicTags: Set<String> = ["table", "pre", "figure", "picture", "video", "audio"]

    private struct Frame {
        var name: String
        var start: Int
        var hasBlockChild = false
        var runStart: Int?
    }

    /// The byte ranges of the blocks of `html`.
    static func split(_ html: [UInt8]) -> [Range<Int>] {
        let n = html.count
        let plain = !html.contains(UInt8(ascii: "<"))
        var blocks: [Range<Int>] = []
        var stack = [Frame(name: "", start: 0)]

        func flushRun(_ end: Int) {
            guard let start = stack[stack.count - 1].runStart else { return }
            stack[stack.count - 1].runStart = nil
            var end = end
            while end > start, Whitespace.isXMLSpace(html[end - 1]) { end -= 1 }
            if end > start { blocks.append(start..<end) }
        }
        func boundary(_ at: Int) {
            flushRun(at)
            stack[stack.count - 1].hasBlockChild = true
        }
        func close(_ closeStart: Int, _ end: Int) {
            let frame = stack[stack.count - 1]
            if frame.hasBlockChild {
                flushRun(closeStart)
                stack.removeLast()
            } else {
                stack.removeLast()
                blocks.append(frame.start..<end)
            }
        }

        var i = 0
        while i < n {
            if html[i] == UInt8(ascii: "<"), let gt = html[i...].firstIndex(of: UInt8(ascii: ">")) {
                let (name, closing) = tagName(html, i)
                let end = gt + 1
                if name == "br" {
                    var j = end
                    while j < n, Whitespace.isXMLSpace(html[j]) { j += 1 }
                    if j + 3 <= n, html[j] == UInt8(ascii: "<"), tagName(html, j).name == "br",
                        let gt2 = html[j...].firstIndex(of: UInt8(ascii: ">"))
                    {
                        boundary(i)
                        i = gt2 + 1
                        continue
                    }
                    if stack[stack.count - 1].runStart == nil { stack[stack.count - 1].runStart = i }
                } else if name == "hr" {
                    boundary(i)
                } else if atomicTags.contains(name), !closing {
                    boundary(i)
                    let close = matchingClose(html, from: end, name: name)
                    blocks.append(i..<close)
                    i = close
                    continue
                } else if blockTags.contains(name) {
                    if closing {
                        if let index = stack.lastIndex(where: { $0.name == name }), index > 0 {
                            while stack.count - 1 > index { close(i, i) }
                            close(i, end)
                        }
                    } else {
                        boundary(i)
                        stack.append(Frame(name: name, start: i))
                    }
                } else if !closing, stack[stack.count - 1].runStart == nil {
                    stack[stack.count - 1].runStart = i
                }
                i = end
                continue
            }
            // Text, up to the next tag: blank lines (any line break in plain text) end a block.
            let next = html[i...].firstIndex(of: UInt8(ascii: "<")).map { $0 == i ? i + 1 : $0 } ?? n
            var j = i
            while j < next {
                if html[j] == UInt8(ascii: "\n") {
                    var k = j + 1
                    while k < next, html[k] == UInt8(ascii: " ") || html[k] == UInt8(ascii: "\t") || html[k] == UInt8(ascii: "\r") {
                        k += 1
                    }
                    if plain || (k < next && html[k] == UInt8(ascii: "\n")) {
                        boundary(j)
                        j = k
                        continue
                    }
                } else if !Whitespace.isXMLSpace(html[j]), stack[stack.count - 1].runStart == nil {
                    stack[stack.count - 1].runStart = j
                }
                j += 1
            }
            i = next
        }
        while stack.count > 1 { close(n, n) }
        flushRun(n)
        return blocks
    }

    /// The lower-cased name of the tag opening at `at`, and whether it is an end tag.
    private static func tagName(_ html: [UInt8], _ at: Int) -> (name: String, closing: Bool) {
        var i = at + 1
        let closing = i < html.count && html[i] == UInt8(ascii: "/")
        if closing { i += 1 }
        var name: [UInt8] = []
        while i < html.count, name.count < 12 {
            let b = html[i] | 0x20
            guard (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (html[i] >= UInt8(ascii: "0") && html[i] <= UInt8(ascii: "9"))
            else { break }
            name.append(b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") ? b : html[i])
            i += 1
        }
        return (String(decoding: name, as: UTF8.self), closing)
    }

    /// Where the element `name` opened before `from` ends (after its end tag; the end of `html`
    /// when it is never closed), nested elements of the same name counted.
    private static func matchingClose(_ html: [UInt8], from: Int, name: String) -> Int {
        var depth = 1
        var i = from
        while let lt = html[i...].firstIndex(of: UInt8(ascii: "<")) {
            guard let gt = html[lt...].firstIndex(of: UInt8(ascii: ">")) else { break }
            let tag = tagName(html, lt)
            if tag.name == name { depth += tag.closing ? -1 : 1 }
            i = gt + 1
            if depth == 0 { return i }
        }
        return html.count
    }

    // MARK: Removing

    private static let emptyContainer = try? NSRegularExpression(
        pattern: "<(p|div|li|ul|ol|dl|blockquote|section|article|aside|footer|header|nav|h[1-6]|center)( [^>]*)?>(\\s|<br>)*</\\1>")
    private static let strayBreaks = try? NSRegularExpression(
        pattern: "^(\\s*<br>)+|(<br>\\s*)+$|(?<=<(p|div|li|blockquote)>)(\\s*<br>)+|(<br>\\s*)+(?=</(p|div|li|blockquote)>)")

    /// `html` without the byte ranges `removed` (blocks, in order), emptied containers and
    /// stray line breaks dropped, sanitized again (a run of inline markup cut at a block inside
    /// it leaves a tag unclosed or an end tag alone: the sanitizer closes and drops them), trimmed.
    static func remove(_ removed: [Range<Int>], from html: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(html.count)
        var at = 0
        for range in removed {
            out.append(contentsOf: html[at..<range.lowerBound])
            at = range.upperBound
        }
        out.append(contentsOf: html[at...])
        var text = String(decoding: out, as: UTF8.self)
        for regex in [emptyContainer, emptyContainer, strayBreaks].compactMap({ $0 }) {
            text = regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "")
        }
        return Whitespace.trim(HTMLSanitizer.sanitize(text, base: nil))
    }
}
