import Foundation

/// Scanning UTF-8 bytes a machine word or a C library call at a time: the searches the parser
/// makes over every byte of a feed, where a byte-by-byte loop would cost more than libxml2.
///
/// Invariants, for every function here:
/// - `bytes` is a buffer the caller borrows for the call (an array's storage, a String's UTF-8,
///   libxml2's character data); nothing here keeps a pointer past the call or writes through one.
/// - Every read is inside `bytes`: a word is loaded at `i` only when `i + 8 <= bytes.count`, and
///   `memchr` and `memcmp` are given lengths within it. A buffer with no base address is empty.
/// - Words are loaded unaligned and read as little-endian, so the byte at `i` is the lowest of
///   the word on any machine and "the first match" is the lowest set bit.
/// - Each answer is exact, the same as the byte-by-byte loop written beside it in its comment.
enum ByteScan {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    // MARK: Searches

    /// The first index at or after `start` holding `byte`, or nil.
    @inline(__always)
    static func index(of byte: UInt8, in bytes: Bytes, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress,
            let hit = memchr(base + start, Int32(byte), bytes.count - start)
        else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    }

    /// How many times `byte` occurs in `bytes[start..<end]`.
    static func count(of byte: UInt8, in bytes: Bytes, from start: Int, to end: Int) -> Int {
        let window = UnsafeBufferPointer(rebasing: bytes[..<end])
        var found = 0
        var i = start
        while let hit = index(of: byte, in: window, from: i) {
            found += 1
            i = hit + 1
        }
        return found
    }

    /// The start of the first occurrence of `needle` in `haystack`. `memchr` looks for the
    /// needle's rarest byte (`[`, `]`, `!` or `?` when it has one: rare in feed text, unlike `<`)
    /// and `memcmp` checks the rest.
    static func firstIndex(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        let anchor = needle.firstIndex(where: { $0 == 0x5B || $0 == 0x5D || $0 == 0x21 || $0 == 0x3F }) ?? 0
        return haystack.withUnsafeBytes { raw -> Int? in
            guard let base = raw.baseAddress else { return nil }
            var offset = anchor
            let last = raw.count - needle.count + anchor
            while offset <= last {
                guard let hit = memchr(base + offset, Int32(needle[anchor]), last - offset + 1) else { return nil }
                let at = UnsafeRawPointer(hit) - base - anchor
                if needle.withUnsafeBytes({ pattern in pattern.baseAddress.map { memcmp(base + at, $0, needle.count) == 0 } ?? false }) {
                    return haystack.startIndex + at
                }
                offset = at + anchor + 1
            }
            return nil
        }
    }

    /// The first index at or after `start` holding `&` or, with `escape`, one of `&"<>`: where
    /// decoding or HTML escaping has work to do; `bytes.count` when there is none.
    /// (`bytes[start...].firstIndex { $0 == 0x26 || escape && ($0 == 0x22 || $0 == 0x3C || $0 == 0x3E) }`)
    static func nextMarkup(in bytes: Bytes, from start: Int, escape: Bool) -> Int {
        var i = start
        let n = bytes.count
        if let raw = UnsafeRawPointer(bytes.baseAddress) {
            while i + 8 <= n {
                let w = word(raw, i)
                // `"` (0x22) and `&` (0x26) differ only in bit 2, `<` (0x3C) and `>` (0x3E) only in
                // bit 1: with that bit set, each pair is found as one byte.
                let found = escape ? matches(w | 0x0404_0404_0404_0404, 0x26) | matches(w | 0x0202_0202_0202_0202, 0x3E) : matches(w, 0x26)
                if found != 0 { return i + found.trailingZeroBitCount >> 3 }
                i += 8
            }
        }
        let mask: UInt64 = escape ? 1 << 0x22 | 1 << 0x26 | 1 << 0x3C | 1 << 0x3E : 1 << 0x26
        while i < n, !(bytes[i] < 64 && (mask >> UInt64(bytes[i])) & 1 != 0) { i += 1 }
        return i
    }

    /// Where scalar number `n` (counting from 0) of the valid UTF-8 `bytes` starts, or nil when
    /// they hold no more than `n` scalars. A scalar starts at each byte that is not a
    /// continuation byte (10xxxxxx); those are counted eight at a time.
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

    // MARK: Tests of a whole run

    /// Whether no byte of `bytes` is white space or a control (0x20 and below), `&` or DEL.
    /// (`!bytes.contains { $0 <= 0x20 || $0 == 0x26 || $0 == 0x7F }`)
    static func isPlainURLText(_ bytes: Bytes) -> Bool {
        var i = 0
        if let raw = UnsafeRawPointer(bytes.baseAddress) {
            while i + 8 <= bytes.count {
                let w = word(raw, i)
                // With each high bit set first, subtracting 0x21 borrows from no neighbour; the
                // high bit is then clear where the low seven bits were below 0x21.
                let low = (w | 0x8080_8080_8080_8080) &- 0x2121_2121_2121_2121
                if ~low & ~w & 0x8080_8080_8080_8080 != 0 || matches(w, 0x26) != 0 || matches(w, 0x7F) != 0 { return false }
                i += 8
            }
        }
        return !bytes[i...].contains { $0 <= 0x20 || $0 == UInt8(ascii: "&") || $0 == 0x7F }
    }

    /// Whether folding white space leaves the eight bytes at `i` (`i + 8 <= bytes.count`) as they
    /// are, after the byte `previous`: all printable ASCII or spaces (0x20-0x7E), and no space
    /// right after another.
    @inline(__always)
    static func foldsNothing(_ bytes: Bytes, at i: Int, after previous: UInt8) -> Bool {
        guard i + 8 <= bytes.count, let raw = UnsafeRawPointer(bytes.baseAddress) else { return false }
        let w = word(raw, i)
        guard w & 0x8080_8080_8080_8080 == 0, asciiControls(w) | asciiBytes(w, equalTo: 0x7F) == 0 else { return false }
        let spaces = asciiBytes(w, equalTo: 0x20)
        // A space after a space: within the word, or at its start after `previous`.
        return spaces & (spaces << 8) == 0 && !(previous == 0x20 && spaces & 0x80 != 0)
    }

    /// Skips eight-byte words of ASCII from `start` with no control character but tab, line feed
    /// and carriage return: where it stopped (at a word with a byte of 0x80 or above, or within
    /// the last seven bytes), or nil at a word with a control XML forbids. After a first ASCII
    /// word, 32 bytes a step, so that mostly multi-byte text pays for one word per call.
    static func skipXMLSafeASCII(_ bytes: Bytes, from start: Int) -> Int? {
        var i = start
        let n = bytes.count
        guard i + 8 <= n, let raw = UnsafeRawPointer(bytes.baseAddress) else { return i }
        let first = word(raw, i)
        guard first & 0x8080_8080_8080_8080 == 0 else { return i }
        guard forbiddenControls(first) == 0 else { return nil }
        i += 8
        while i + 32 <= n {
            let w0 = word(raw, i)
            let w1 = word(raw, i + 8)
            let w2 = word(raw, i + 16)
            let w3 = word(raw, i + 24)
            guard (w0 | w1 | w2 | w3) & 0x8080_8080_8080_8080 == 0 else { break }
            guard forbiddenControls(w0) | forbiddenControls(w1) | forbiddenControls(w2) | forbiddenControls(w3) == 0 else {
                return nil
            }
            i += 32
        }
        return i
    }

    // MARK: Word arithmetic

    /// The eight bytes at `offset`, the first in the lowest bits whatever the machine.
    @inline(__always)
    private static func word(_ raw: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The high bit of each byte of `word` that is `byte`: the "has a zero byte" test on the word
    /// XORed with the byte repeated. Exact for the lowest such byte (borrows can mark bytes above
    /// it) and as a test for any, which is all the callers use.
    @inline(__always)
    private static func matches(_ word: UInt64, _ byte: UInt64) -> UInt64 {
        let x = word ^ (byte &* 0x0101_0101_0101_0101)
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    /// The high bit of each byte of `ascii` (a word with no high bit set) that equals `byte`.
    /// Exact for every byte: with the high bits clear, adding 0x7F never carries into the next.
    @inline(__always)
    private static func asciiBytes(_ ascii: UInt64, equalTo byte: UInt64) -> UInt64 {
        ~((ascii ^ (byte &* 0x0101_0101_0101_0101)) &+ 0x7F7F_7F7F_7F7F_7F7F) & 0x8080_8080_8080_8080
    }

    /// The high bit of each byte of `ascii` (no high bit set) below 0x20 (bits 5 and 6 clear).
    @inline(__always)
    private static func asciiControls(_ ascii: UInt64) -> UInt64 {
        ~((ascii & 0x6060_6060_6060_6060) &+ 0x7F7F_7F7F_7F7F_7F7F) & 0x8080_8080_8080_8080
    }

    /// The high bit of each byte of `ascii` that is a control XML forbids: below 0x20 and not a
    /// tab, line feed or carriage return.
    @inline(__always)
    private static func forbiddenControls(_ ascii: UInt64) -> UInt64 {
        asciiControls(ascii) & ~(asciiBytes(ascii, equalTo: 0x09) | asciiBytes(ascii, equalTo: 0x0A) | asciiBytes(ascii, equalTo: 0x0D))
    }
}
