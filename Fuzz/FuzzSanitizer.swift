// libFuzzer entry point for the HTML sanitizer (HTMLSanitizer, HTMLTokenizer), compiled with
// the Base, Config and Parse stages by Fuzz/build.sh. Beyond not crashing, the output must be
// safe: no element outside the allow-list that can run or load anything, no event handler
// attribute, no javascript:/vbscript:/data: URL in an attribute.
import Foundation

/// Attributes a browser reads as URLs (or lists of them), in any element: a scheme in any
/// other attribute (`type="data:text/html"`) is only text.
private let urlAttributes: Set<String> = [
    "href", "src", "srcset", "cite", "action", "formaction", "poster", "background", "data", "longdesc", "usemap",
    "xlink:href", "ping", "lowsrc", "dynsrc", "codebase", "classid", "manifest", "icon", "profile", "archive", "itemtype",
]

private let forbidden = ["script", "iframe", "frame", "frameset", "object", "embed", "applet", "meta", "link", "style", "base", "form"]

@c(LLVMFuzzerTestOneInput)
public func fuzzSanitizer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let base = URL(string: "https://example.com/a/b")
    let html = HTMLSanitizer.sanitize(bytes, base: base)
    check(html, input: bytes)
    // The excerpt is plain text (a literal "<" in it is text, escaped by whoever writes it out).
    let (withExcerpt, excerpt) = HTMLSanitizer.sanitize(bytes, base: nil, excerptLimit: 50)
    check(withExcerpt, input: bytes)
    if excerpt.unicodeScalars.count > 60 { fatalError("an excerpt of \(excerpt.count) characters for a limit of 50") }
    _ = HTMLSanitizer.plainText(bytes)
    return 0
}

/// Every `<` in the output opens a tag (text has `&lt;`): each tag is checked.
private func check(_ html: String, input: UnsafeBufferPointer<UInt8>) {
    let lower = Array(html.lowercased().utf8)
    var i = 0
    while i < lower.count {
        guard lower[i] == UInt8(ascii: "<") else {
            i += 1
            continue
        }
        var end = i + 1
        var quote: UInt8 = 0
        while end < lower.count, quote != 0 || lower[end] != UInt8(ascii: ">") {
            if quote != 0, lower[end] == quote {
                quote = 0
            } else if quote == 0, lower[end] == UInt8(ascii: "\"") || lower[end] == UInt8(ascii: "'") {
                quote = lower[end]
            }
            end += 1
        }
        let tag = String(decoding: lower[i..<min(end + 1, lower.count)], as: UTF8.self)
        let name = tag.dropFirst().drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }
        if forbidden.contains(String(name)) { fail("<\(name)> survived", tag, input) }
        // A URL's scheme is where its value starts (or, in a srcset, where a candidate starts),
        // white space and control characters aside: "javascript:" further in is only text.
        for (attribute, value) in attributes(lower[i..<min(end + 1, lower.count)]) where urlAttributes.contains(attribute) {
            // Values hold no character reference but the four escapes the writer makes (a
            // browser would decode "&#106;avascript:" into a scheme this check cannot see).
            for (k, byte) in value.enumerated() where byte == UInt8(ascii: "&") {
                let rest = value[k...]
                guard ["&amp;", "&lt;", "&gt;", "&quot;"].contains(where: { rest.starts(with: $0.utf8) }) else {
                    fail("a character reference in an attribute value", tag, input)
                }
            }
            let starts = attribute == "srcset" ? value.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) : [value[...]]
            for start in starts {
                let squeezed = String(decoding: start.filter { $0 > 0x20 }, as: UTF8.self)
                    .filter { !$0.isWhitespace }
                for scheme in ["javascript:", "vbscript:", "data:text/html"] where squeezed.hasPrefix(scheme) {
                    fail("a \(scheme) URL survived", tag, input)
                }
            }
        }
        // An attribute named on...: a space (outside quotes) followed by "on", a name and "=".
        // Scanned as Unicode scalars: a quote followed by a combining mark is still a quote.
        let scalars = Array(tag.unicodeScalars)
        var inQuote: Unicode.Scalar?
        var previous: Unicode.Scalar = " "
        var k = 0
        while k < scalars.count {
            let scalar = scalars[k]
            if let open = inQuote {
                if scalar == open { inQuote = nil }
            } else if scalar == "\"" || scalar == "'" {
                inQuote = scalar
            } else if previous.properties.isWhitespace || previous == "/", scalar == "o", k + 1 < scalars.count, scalars[k + 1] == "n" {
                var end = k
                while end < scalars.count, scalars[end].properties.isAlphabetic || scalars[end] == "-" || scalars[end] == "_" { end += 1 }
                var next = end
                while next < scalars.count, scalars[next].properties.isWhitespace { next += 1 }
                if end - k > 2, next < scalars.count, scalars[next] == "=" {
                    fail("event handler \(String(String.UnicodeScalarView(scalars[k..<end]))) survived", tag, input)
                }
            }
            previous = scalar
            k += 1
        }
        i = end + 1
    }
}

/// The attributes of one tag of the output, `<name a="v" b='w' c=x d>`, as name and value bytes.
private func attributes(_ tag: ArraySlice<UInt8>) -> [(name: String, value: [UInt8])] {
    let bytes = Array(tag.dropFirst())
    var found: [(name: String, value: [UInt8])] = []
    var k = 0
    func isSpace(_ b: UInt8) -> Bool { b <= 0x20 || b == UInt8(ascii: "/") }
    while k < bytes.count, !isSpace(bytes[k]), bytes[k] != UInt8(ascii: ">") { k += 1 }  // the tag name
    while k < bytes.count, bytes[k] != UInt8(ascii: ">") {
        if isSpace(bytes[k]) {
            k += 1
            continue
        }
        let nameStart = k
        while k < bytes.count, !isSpace(bytes[k]), bytes[k] != UInt8(ascii: "="), bytes[k] != UInt8(ascii: ">") { k += 1 }
        let name = String(decoding: bytes[nameStart..<k], as: UTF8.self)
        while k < bytes.count, bytes[k] <= 0x20 { k += 1 }
        guard k < bytes.count, bytes[k] == UInt8(ascii: "=") else {
            found.append((name, []))
            continue
        }
        k += 1
        while k < bytes.count, bytes[k] <= 0x20 { k += 1 }
        var value: [UInt8] = []
        if k < bytes.count, bytes[k] == UInt8(ascii: "\"") || bytes[k] == UInt8(ascii: "'") {
            let quote = bytes[k]
            k += 1
            while k < bytes.count, bytes[k] != quote {
                value.append(bytes[k])
                k += 1
            }
            k += 1
        } else {
            while k < bytes.count, bytes[k] > 0x20, bytes[k] != UInt8(ascii: ">") {
                value.append(bytes[k])
                k += 1
            }
        }
        found.append((name, value))
    }
    return found
}

private func fail(_ what: String, _ tag: String, _ input: UnsafeBufferPointer<UInt8>) -> Never {
    fatalError("\(what) in \(tag.debugDescription) from \(String(decoding: input, as: UTF8.self).debugDescription)")
}
