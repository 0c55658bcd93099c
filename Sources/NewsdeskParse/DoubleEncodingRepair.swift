/// Undoes UTF-8 that was read as windows-1252 (or Latin-1) and encoded to UTF-8 again, the
/// commonest mojibake on the web: "FÃ³rmula" back to "Fórmula", "â€¦" back to "…".
///
/// A sequence is rewritten only when its characters, mapped back to single bytes, form one valid
/// UTF-8 character: "Ã" followed by the right number of characters from U+0080-U+00BF (or their
/// windows-1252 stand-ins). Real text almost never has that shape.
enum DoubleEncodingRepair {
    /// `bytes` (valid UTF-8) with double-encoded characters restored, and how many were restored.
    static func repair(_ bytes: [UInt8]) -> (bytes: [UInt8], repaired: Int) {
        guard mayContainMojibake(bytes) else { return (bytes, 0) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var repaired = 0
        var i = 0
        var runStart = 0
        while let lead = bytes.withUnsafeBufferPointer({ ByteScan.index(of: 0xC3, in: $0, from: i) }) {
            if let (original, length) = decodeOne(bytes, at: lead) {
                out.append(contentsOf: bytes[runStart..<lead])
                out.append(contentsOf: original)
                repaired += 1
                i = lead + length
                runStart = i
            } else {
                i = lead + 1
            }
        }
        out.append(contentsOf: bytes[runStart...])
        return (out, repaired)
    }

    /// A cheap look (memchr for 0xC3) for a "Ã"/"Â"/"â"-like lead (C3 82-B4) followed by C2, C5,
    /// C6, CB or E2.
    private static func mayContainMojibake(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var i = 0
            while let hit = ByteScan.index(of: 0xC3, in: buffer, from: i) {
                if hit + 2 < buffer.count, (0x82...0xB4).contains(buffer[hit + 1]), isContinuationLead(buffer[hit + 2]) {
                    return true
                }
                i = hit + 1
            }
            return false
        }
    }

    /// Whether `byte` can start the second character of a double-encoded one: C2 (U+0080-U+00BF)
    /// or the lead of a windows-1252 special (C5, C6, CB, E2). A switch, not a Set: this runs for
    /// every "Ã" of Latin text.
    private static func isContinuationLead(_ byte: UInt8) -> Bool {
        switch byte {
        case 0xC2, 0xC5, 0xC6, 0xCB, 0xE2: true
        default: false
        }
    }

    /// The original bytes of a double-encoded character at `i`, and how many bytes it spans now.
    private static func decodeOne(_ bytes: [UInt8], at i: Int) -> ([UInt8], Int)? {
        guard i + 1 < bytes.count, bytes[i] == 0xC3, (0x82...0xB4).contains(bytes[i + 1]) else { return nil }
        let lead = bytes[i + 1] + 0x40
        let needed = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1
        var original = [lead]
        var j = i + 2
        for _ in 0..<needed {
            guard let (byte, width) = singleByte(bytes, at: j) else { return nil }
            original.append(byte)
            j += width
        }
        guard String(validating: original, as: UTF8.self) != nil else { return nil }
        return (original, j - i)
    }

    /// The windows-1252 byte (0x80-0xBF) whose character is encoded at `i`, and its UTF-8 width.
    private static func singleByte(_ bytes: [UInt8], at i: Int) -> (UInt8, Int)? {
        guard i + 1 < bytes.count else { return nil }
        if bytes[i] == 0xC2, (0x80...0xBF).contains(bytes[i + 1]) { return (bytes[i + 1], 2) }
        for (byte, encoded) in Windows1252.specialsUTF8 where bytes[i...].starts(with: encoded) {
            return (byte, encoded.count)
        }
        return nil
    }
}
