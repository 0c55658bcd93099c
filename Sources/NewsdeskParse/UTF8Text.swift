import Foundation
import NewsdeskBase

/// Byte-level text helpers for the hot paths of parsing: Foundation's and `Character`'s
/// Unicode-aware versions cost more than the XML parse itself.
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

    /// Appends the bytes of `literal` (no temporary array: this runs for every tag and escape).
    @inline(__always)
    static func append<Out: ByteOutput & ~Copyable>(_ literal: StaticString, to out: inout Out) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    static func appendEscaped<Out: ByteOutput & ~Copyable>(_ bytes: Bytes, to out: inout Out) {
        var runStart = 0
        var i = 0
        let n = bytes.count
        let raw = UnsafeRawPointer(bytes.baseAddress)
        while i < n {
            if let raw, i + 8 <= n {
                // Straight to the first byte to escape in the next eight, if any.
                let skip = firstToStop(word(raw, i), escape: true)
                i += skip
                if skip == 8 { continue }
            }
            if needsWork(bytes[i]) {
                if i > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                appendEscaped(bytes[i], to: &out)
                runStart = i + 1
            }
            i += 1
        }
        if n > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
    }

    static func appendEscaped<Out: ByteOutput & ~Copyable>(_ text: String, to out: inout Out) {
        Whitespace.withBytes(text) { appendEscaped($0, to: &out) }
    }

    /// Bits 0x22 (`"`), 0x26 (`&`), 0x3C (`<`) and 0x3E (`>`): the bytes HTML escaping touches.
    private static let escapedMask: UInt64 = 1 << 0x22 | 1 << 0x26 | 1 << 0x3C | 1 << 0x3E

    @inline(__always)
    private static func needsWork(_ b: UInt8) -> Bool {
        b < 64 && (escapedMask >> UInt64(b)) & 1 != 0
    }

    /// The eight bytes at `offset`, the first in the lowest bits whatever the machine.
    @inline(__always)
    static func word(_ raw: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The high bit of each byte of `word` that is `byte`: the classic "has a zero byte" test on
    /// the word XORed with the byte repeated. Exact for the lowest such byte (borrows can mark
    /// bytes above it), which is all the callers look at.
    @inline(__always)
    static func matches(_ word: UInt64, _ byte: UInt64) -> UInt64 {
        let x = word ^ (byte &* 0x0101_0101_0101_0101)
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    /// The high bit of each byte of `ascii` (a word with no high bit set) that equals `byte`.
    /// Exact for every byte, unlike `matches`: with the high bits clear, adding 0x7F to a byte
    /// never carries into the next.
    @inline(__always)
    static func asciiBytes(_ ascii: UInt64, equalTo byte: UInt64) -> UInt64 {
        ~((ascii ^ (byte &* 0x0101_0101_0101_0101)) &+ 0x7F7F_7F7F_7F7F_7F7F) & 0x8080_8080_8080_8080
    }

    /// The high bit of each byte of `ascii` (no high bit set) that is a control character,
    /// below 0x20 (bits 5 and 6 both clear). Exact for every byte, as `asciiBytes`.
    @inline(__always)
    static func asciiControls(_ ascii: UInt64) -> UInt64 {
        ~((ascii & 0x6060_6060_6060_6060) &+ 0x7F7F_7F7F_7F7F_7F7F) & 0x8080_8080_8080_8080
    }

    /// How many of the eight bytes of `word` come before the first `&` (or, when escaping, `"`,
    /// `<` or `>`): 8 when there is none.
    @inline(__always)
    static func firstToStop(_ word: UInt64, escape: Bool) -> Int {
        guard escape else { return matches(word, 0x26).trailingZeroBitCount >> 3 }
        // Two tests for four bytes: `"` (0x22) and `&` (0x26) differ only in bit 2, `<` (0x3C)
        // and `>` (0x3E) only in bit 1; setting that bit makes each pair one byte.
        let found = matches(word | 0x0404_0404_0404_0404, 0x26) | matches(word | 0x0202_0202_0202_0202, 0x3E)
        return found.trailingZeroBitCount >> 3
    }

    /// Where scalar number `n` (counting from 0) of the valid UTF-8 `bytes` starts, or nil when
    /// they hold no more than `n` scalars. A scalar is a byte that is not a continuation byte
    /// (10xxxxxx); those are counted eight at a time.
    static func indexOfScalar(_ n: Int, in bytes: Bytes) -> Int? {
        var scalars = 0
        var i = 0
        if let raw = UnsafeRawPointer(bytes.baseAddress) {
            while i + 8 <= bytes.count {
                let w = word(raw, i)
                // Bit 7 set and bit 6 clear: a continuation byte.
                let continuations = (w & ~(w << 1) & 0x8080_8080_8080_8080).nonzeroBitCount
                if scalars + 8 - continuations > n { break }
                scalars += 8 - continuations
                i += 8
            }
        }
        while i < bytes.count {
            if bytes[i] & 0xC0 != 0x80 {
                if scalars == n { return i }
                scalars += 1
            }
            i += 1
        }
        return nil
    }

    /// Appends `bytes` with character references decoded; `escape` re-escapes the result for HTML.
    /// Runs with nothing to change are copied whole.
    static func appendDecoded<Out: ByteOutput & ~Copyable>(_ bytes: Bytes, escape: Bool, to out: inout Out) {
        var i = 0
        var runStart = 0
        let n = bytes.count
        // Only `&` starts a reference; escaping also stops at `"`, `<` and `>`.
        let mask: UInt64 = escape ? escapedMask : 1 << 0x26
        let raw = UnsafeRawPointer(bytes.baseAddress)
        while i < n {
            // Eight bytes at a time, straight to the first one to stop at.
            if let raw, i + 8 <= n {
                let skip = firstToStop(word(raw, i), escape: escape)
                i += skip
                if skip == 8 { continue }
            }
            let b = bytes[i]
            guard b < 64, (mask >> UInt64(b)) & 1 != 0 else {
                i += 1
                continue
            }
            if i > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
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

    /// How many times `byte` occurs in `bytes[start..<end]` (memchr).
    static func count(of byte: UInt8, in bytes: Bytes, from start: Int, to end: Int) -> Int {
        var found = 0
        var i = start
        while let hit = index(of: byte, in: UnsafeBufferPointer(rebasing: bytes[..<end]), from: i) {
            found += 1
            i = hit + 1
        }
        return found
    }

    /// The first index at or after `start` holding `byte` (memchr), or nil.
    @inline(__always)
    static func index(of byte: UInt8, in bytes: Bytes, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress,
            let hit = memchr(base + start, Int32(byte), bytes.count - start)
        else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    }
}
