/// windows-1252, the one table of it: what each byte 0x80-0xFF stands for.
///
/// It differs from Latin-1 only in 0x80-0x9F, where it has punctuation and a few letters and
/// leaves five codes (81, 8D, 8F, 90, 9D) unassigned; 0xA0-0xFF are U+00A0-U+00FF. Feeds meet it
/// three ways: bytes that are not UTF-8 (`CharsetDecoder`), C1 controls and numeric references
/// to 0x80-0x9F that mean its characters, as browsers read them (`CharsetDecoder`,
/// `CharacterReference`), and UTF-8 that was decoded through it and encoded again
/// (`DoubleEncodingRepair`).
enum Windows1252 {
    /// The character of `byte` (0x80-0xFF), or nil for the five unassigned codes.
    static func character(_ byte: UInt8) -> Unicode.Scalar? {
        precondition(byte >= 0x80)
        guard byte < 0xA0 else { return Unicode.Scalar(byte) }
        let value = specials[Int(byte) - 0x80]
        return value == 0 ? nil : Unicode.Scalar(value)
    }

    /// The characters of 0x80-0x9F, by byte less 0x80; 0 where the code is unassigned.
    private static let specials: [UInt16] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    /// Each assigned byte of 0x80-0x9F with the UTF-8 of its character.
    static let specialsUTF8: [(byte: UInt8, utf8: [UInt8])] = (0x80...0x9F).compactMap { (byte: UInt8) in
        character(byte).map { (byte, Array(String($0).utf8)) }
    }
}
