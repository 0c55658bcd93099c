import Foundation

/// The byte work: iconv for other charsets, and the check and clean-up of UTF-8.
extension CharsetDecoder {
    /// `bytes` from `charset` to UTF-8 with iconv, or nil when iconv does not know the charset or
    /// the bytes are not valid in it.
    static func transcode(_ bytes: [UInt8], from charset: String) -> [UInt8]? {
        let converter = iconv_open("UTF-8", charset)
        guard let converter, Int(bitPattern: converter) != -1 else { return nil }
        defer { iconv_close(converter) }
        var output = [UInt8](repeating: 0, count: bytes.count * 4 + 16)
        var input = bytes
        let produced: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer = UnsafeMutableRawPointer(inBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outPointer = UnsafeMutableRawPointer(outBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outLeft = outBuffer.count
                if iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) == -1 { return nil }
                return outBuffer.count - outLeft
            }
        }
        guard let produced else { return nil }
        output.removeSubrange(produced...)
        return output
    }

    /// `bytes` with every byte that is not part of valid UTF-8 read as windows-1252, and the
    /// control characters XML forbids removed; with the count of bytes so repaired and of valid
    /// multi-byte sequences kept.
    static func cleanUTF8(_ bytes: [UInt8]) -> Cleaned {
        // Fast path: the common case of clean text is checked without copying.
        if let verdict = bytes.withUnsafeBufferPointer(scanClean) {
            return Cleaned(bytes: bytes, multibyte: verdict.multibyte, mayHoldC1: verdict.c1)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        var invalid = 0
        var multibyte = 0
        var c1 = false
        var i = 0
        var runStart = 0
        let n = bytes.count
        // Good bytes are copied in runs; a run ends at each byte that is dropped or replaced.
        func flush(to end: Int) {
            if end > runStart { out.append(contentsOf: bytes[runStart..<end]) }
        }
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D {
                    flush(to: i)
                    runStart = i + 1
                }
                i += 1
                continue
            }
            // U+FDD0-U+FDEF are noncharacters; Newsdesk uses them internally (see XMLRepair).
            if b == 0xEF, i + 2 < n, bytes[i + 1] == 0xB7, (0x90...0xAF).contains(bytes[i + 2]) {
                flush(to: i)
                i += 3
                runStart = i
                continue
            }
            let length = validSequenceLength(bytes, at: i)
            if length > 0 {
                if b == 0xC2, bytes[i + 1] < 0xA0 { c1 = true }
                multibyte += 1
                i += length
            } else {
                flush(to: i)
                invalid += 1
                out.append(contentsOf: String(Windows1252.character(b) ?? "\u{FFFD}").utf8)
                i += 1
                runStart = i
            }
        }
        flush(to: n)
        return Cleaned(bytes: out, invalidBytes: invalid, multibyte: multibyte, mayHoldC1: c1)
    }

    /// nil when `bytes` need repair; else how many multi-byte sequences they hold, and whether one
    /// is a C1 control (C2 80-9F, read as windows-1252 after the decode). Plain ASCII text, most
    /// of most feeds, is checked a word at a time (`ByteScan.skipXMLSafeASCII`).
    private static func scanClean(_ bytes: UnsafeBufferPointer<UInt8>) -> (multibyte: Int, c1: Bool)? {
        var multibyte = 0
        var c1 = false
        var i = 0
        let n = bytes.count
        while i < n {
            guard let next = ByteScan.skipXMLSafeASCII(bytes, from: i) else { return nil }
            if next > i {
                i = next
                continue
            }
            let b = bytes[i]
            if b >= 0x20 && b < 0x80 {
                i += 1
                continue
            }
            if b < 0x80 {
                guard b == 0x09 || b == 0x0A || b == 0x0D else { return nil }
                i += 1
                continue
            }
            let length = validSequenceLength(bytes, at: i)
            guard length > 0 else { return nil }
            if b == 0xC2, bytes[i + 1] < 0xA0 { c1 = true }
            multibyte += 1
            i += length
        }
        return (multibyte, c1)
    }

    /// The length of the valid UTF-8 sequence at `i` (excluding the non-characters U+FFFE/U+FFFF
    /// that XML forbids), or 0.
    private static func validSequenceLength<C: RandomAccessCollection<UInt8>>(_ bytes: C, at i: C.Index) -> Int
    where C.Index == Int {
        let n = bytes.endIndex
        let b0 = bytes[i]
        func cont(_ k: Int) -> Bool { i + k < n && bytes[i + k] & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0...0xEF:
            guard cont(1), cont(2) else { return 0 }
            let b1 = bytes[i + 1]
            if b0 == 0xE0 && b1 < 0xA0 { return 0 }  // overlong
            if b0 == 0xED && b1 >= 0xA0 { return 0 }  // surrogate
            if b0 == 0xEF && b1 == 0xBF && bytes[i + 2] >= 0xBE { return 0 }  // U+FFFE, U+FFFF
            if b0 == 0xEF && b1 == 0xB7 && bytes[i + 2] >= 0x90 && bytes[i + 2] <= 0xAF { return 0 }  // U+FDD0-U+FDEF
            return 3
        case 0xF0...0xF4:
            guard cont(1), cont(2), cont(3) else { return 0 }
            let b1 = bytes[i + 1]
            if b0 == 0xF0 && b1 < 0x90 { return 0 }
            if b0 == 0xF4 && b1 >= 0x90 { return 0 }
            return 4
        default: return 0
        }
    }
}
