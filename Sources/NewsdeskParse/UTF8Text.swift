import Foundation
import NewsdeskBase

/// Text helpers on UTF-8 bytes, used on every piece of text a feed holds: folding white space,
/// HTML escaping and decoding character references. The searches they make are `ByteScan`'s.
///
/// White space here is ASCII white space plus U+00A0 (no-break space), which feeds use as a space.
enum UTF8Text {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// `text` with runs of white space folded to one space and the ends trimmed.
    static func fold(_ text: String) -> String {
        Whitespace.withBytes(text) { bytes in
            var out: [UInt8] = []
            fold(bytes, into: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    static func fold(_ bytes: Bytes, into out: inout [UInt8]) {
        out.reserveCapacity(out.count + bytes.count)
        var pendingSpace = false
        var i = 0
        let n = bytes.count
        while i < n {
            let space = Whitespace.spaceLength(bytes, at: i)
            if space > 0 {
                pendingSpace = !out.isEmpty
                i += space
                continue
            }
            if pendingSpace {
                out.append(0x20)
                pendingSpace = false
            }
            // Copy the whole run up to the next possible space at once.
            var end = i + 1
            while end < n, bytes[end] > 0x20, bytes[end] != 0xC2 { end += 1 }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<end]))
            i = end
        }
    }

    /// Appends `byte`, escaped for HTML text and attribute values when it is `&`, `<`, `>` or `"`.
    @inline(__always)
    static func appendEscaped<Out: ByteOutput & ~Copyable>(_ byte: UInt8, to out: inout Out) {
        switch byte {
        case UInt8(ascii: "&"): append("&amp;", to: &out)
        case UInt8(ascii: "<"): append("&lt;", to: &out)
        case UInt8(ascii: ">"): append("&gt;", to: &out)
        case UInt8(ascii: "\""): append("&quot;", to: &out)
        default: out.append(byte)
        }
    }

    /// Appends the bytes of `literal`, with no temporary array.
    @inline(__always)
    static func append<Out: ByteOutput & ~Copyable>(_ literal: StaticString, to out: inout Out) {
        literal.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    static func appendEscaped<Out: ByteOutput & ~Copyable>(_ bytes: Bytes, to out: inout Out) {
        var runStart = 0
        var i = ByteScan.nextMarkup(in: bytes, from: 0, escape: true)
        while i < bytes.count {
            if i > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            appendEscaped(bytes[i], to: &out)
            runStart = i + 1
            i = ByteScan.nextMarkup(in: bytes, from: runStart, escape: true)
        }
        if bytes.count > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
    }

    static func appendEscaped<Out: ByteOutput & ~Copyable>(_ text: String, to out: inout Out) {
        Whitespace.withBytes(text) { appendEscaped($0, to: &out) }
    }

    /// Appends `bytes` with character references decoded; `escape` re-escapes the result for HTML.
    /// Runs with nothing to change are copied whole.
    static func appendDecoded<Out: ByteOutput & ~Copyable>(_ bytes: Bytes, escape: Bool, to out: inout Out) {
        let n = bytes.count
        var runStart = 0
        var i = ByteScan.nextMarkup(in: bytes, from: 0, escape: escape)
        while i < n {
            if i > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            let b = bytes[i]
            if b == UInt8(ascii: "&"), let (decoded, length) = CharacterReference.decodeHTML(bytes, at: i) {
                switch decoded {
                case .scalar(let scalar): appendScalar(scalar, escape: escape, to: &out)
                case .text(let text):
                    if escape { appendEscaped(text, to: &out) } else { Whitespace.withBytes(text) { out.append(contentsOf: $0) } }
                }
                i += length
            } else {
                if escape { appendEscaped(b, to: &out) } else { out.append(b) }
                i += 1
            }
            runStart = i
            i = ByteScan.nextMarkup(in: bytes, from: i, escape: escape)
        }
        if n > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<n])) }
    }

    /// Appends `scalar` as UTF-8, escaped for HTML when asked.
    @inline(__always)
    static func appendScalar<Out: ByteOutput & ~Copyable>(_ scalar: Unicode.Scalar, escape: Bool, to out: inout Out) {
        if scalar.isASCII {
            if escape { appendEscaped(UInt8(scalar.value), to: &out) } else { out.append(UInt8(scalar.value)) }
            return
        }
        let v = scalar.value
        switch v {
        case ..<0x800:
            out.append(UInt8(0xC0 | v >> 6))
            out.append(UInt8(0x80 | v & 0x3F))
        case ..<0x10000:
            out.append(UInt8(0xE0 | v >> 12))
            out.append(UInt8(0x80 | v >> 6 & 0x3F))
            out.append(UInt8(0x80 | v & 0x3F))
        default:
            out.append(UInt8(0xF0 | v >> 18))
            out.append(UInt8(0x80 | v >> 12 & 0x3F))
            out.append(UInt8(0x80 | v >> 6 & 0x3F))
            out.append(UInt8(0x80 | v & 0x3F))
        }
    }
}
