/// White space as feeds use it, at the byte level: ASCII white space plus U+00A0 (no-break
/// space), and XML's four. Foundation's Unicode-aware trimming costs more than a parse.
public enum Whitespace {
    public typealias Bytes = UnsafeBufferPointer<UInt8>

    @inlinable
    public static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    /// XML's white space: space, tab, line feed, carriage return.
    @inlinable
    public static func isXMLSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// The length of the white space at `i` (0 when there is none).
    @inlinable
    public static func spaceLength(_ bytes: Bytes, at i: Int) -> Int {
        let b = bytes[i]
        if isASCIISpace(b) { return 1 }
        if b == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0xA0 { return 2 }
        return 0
    }

    /// Runs `body` over the UTF-8 of `text` without copying when the string is native.
    @inlinable
    public static func withBytes<R>(_ text: String, _ body: (Bytes) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// `text` without leading and trailing white space.
    public static func trim(_ text: String) -> String {
        withBytes(text) { bytes in
            let kept = trimmedRange(bytes)
            return kept.count == bytes.count ? text : String(decoding: UnsafeBufferPointer(rebasing: bytes[kept]), as: UTF8.self)
        }
    }

    /// `bytes` as a String without leading and trailing white space.
    public static func trimmed(_ bytes: Bytes) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[trimmedRange(bytes)]), as: UTF8.self)
    }

    /// The part of `bytes` between leading and trailing white space.
    private static func trimmedRange(_ bytes: Bytes) -> Range<Int> {
        var start = 0
        var end = bytes.count
        while start < end, case let length = spaceLength(bytes, at: start), length > 0 { start += length }
        while end > start {
            if isASCIISpace(bytes[end - 1]) {
                end -= 1
            } else if end - start >= 2, bytes[end - 2] == 0xC2, bytes[end - 1] == 0xA0 {
                end -= 2
            } else {
                break
            }
        }
        return start..<end
    }
}
