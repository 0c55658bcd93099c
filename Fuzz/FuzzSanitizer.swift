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
        // An attribute named on...: a space (outside quotes) followed by "on" and a name and "=".
        var inQuote: Character?
        var previous: Character = " "
        var index = tag.startIndex
        while index < tag.endIndex {
            let character = tag[index]
            if let open = inQuote {
                if character == open { inQuote = nil }
            } else if character == "\"" || character == "'" {
                inQuote = character
            } else if previous.isWhitespace || previous == "/", tag[index...].hasPrefix("on") {
                let attribute = tag[index...].prefix { $0.isLetter || $0 == "-" || $0 == "_" }
                let rest = tag[tag.index(index, offsetBy: attribute.count)...].drop { $0.isWhitespace }
                if attribute.count > 2, rest.hasPrefix("=") { fail("event handler \(attribute) survived", tag, input) }
            }
            previous = character
            index = tag.index(after: index)
        }
        i = end + 1
    }
}

private func fail(_ what: String, _ tag: String, _ input: UnsafeBufferPointer<UInt8>) -> Never {
    fatalError("\(what) in \(tag.debugDescription) from \(String(decoding: input, as: UTF8.self).debugDescription)")
}
