// libFuzzer entry point for the HTML sanitizer (HTMLSanitizer, HTMLTokenizer), compiled with
// Sources/NewsdeskCore/Parse/*.swift by Fuzz/build.sh. Beyond not crashing, the output must be
// safe: no element outside the allow-list that can run or load anything, no event handler
// attribute, no javascript:/vbscript:/data: URL in an attribute.
import Foundation

private let forbidden = ["script", "iframe", "frame", "frameset", "object", "embed", "applet", "meta", "link", "style", "base", "form"]

@_cdecl("LLVMFuzzerTestOneInput")
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
        let squeezed = tag.filter { !$0.isWhitespace && !($0.unicodeScalars.first.map { $0.value < 0x20 } ?? false) }
        for scheme in ["javascript:", "vbscript:", "data:text/html"]
        where squeezed.contains("=\"\(scheme)") || squeezed.contains("='\(scheme)") {
            fail("a \(scheme) URL survived", tag, input)
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

private func fail(_ what: String, _ tag: String, _ input: UnsafeBufferPointer<UInt8>) -> Never {
    fatalError("\(what) in \(tag.debugDescription) from \(String(decoding: input, as: UTF8.self).debugDescription)")
}
