import NewsdeskBase

/// Named and numeric character references as HTML knows them, for text XML did not decode.
enum HTMLEntities {
    /// Entity name (without `&` and `;`) to its characters, built once from the packed table.
    static let byName: [String: String] = {
        var table: [String: String] = [:]
        table.reserveCapacity(2200)
        // Read byte by byte: "name=HEX[.HEX]" entries separated by spaces and newlines.
        let packed = Array(HTMLEntityTable.packed.utf8)
        var i = 0
        while i < packed.count {
            while i < packed.count, packed[i] == 0x20 || packed[i] == 0x0A { i += 1 }
            let nameStart = i
            while i < packed.count, packed[i] != UInt8(ascii: "=") { i += 1 }
            guard i < packed.count else { break }
            let name = String(decoding: packed[nameStart..<i], as: UTF8.self)
            var scalars = String.UnicodeScalarView()
            var value: UInt32 = 0
            i += 1
            while i <= packed.count {
                let b = i < packed.count ? packed[i] : 0x20
                if b == UInt8(ascii: ".") || b == 0x20 || b == 0x0A {
                    if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
                    value = 0
                    i += 1
                    if b != UInt8(ascii: ".") { break }
                    continue
                }
                value = value << 4 | UInt32(b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x61 + 10)
                i += 1
            }
            table[name] = String(scalars)
        }
        return table
    }()

    /// The characters of `&name;`, or nil for a name HTML does not define.
    static func character(named name: some StringProtocol) -> String? { byName[String(name)] }

    /// `text` with every character reference (`&amp;`, `&eacute;`, `&#233;`, `&#xE9;`) decoded;
    /// unknown references stay as written.
    static func decode(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        return Whitespace.withBytes(text) { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            UTF8Text.appendDecoded(bytes, escape: false, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The characters a reference body (between `&` and `;`) stands for.
    static func reference(_ body: Substring) -> String? {
        if body.hasPrefix("#") {
            let digits = body.dropFirst()
            let value: UInt32? =
                digits.first == "x" || digits.first == "X"
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            guard let value, value != 0 else { return nil }
            // The five codes windows-1252 leaves unassigned are dropped, as the decoder drops them.
            if (0x80...0x9F).contains(value) { return windows1252[value] ?? "" }
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return String(scalar)
        }
        return character(named: body)
    }

    /// HTML reads numeric references to 0x80-0x9F as windows-1252 characters, as browsers do.
    private static let windows1252: [UInt32: String] = [
        0x80: "€", 0x82: "‚", 0x83: "ƒ", 0x84: "„", 0x85: "…", 0x86: "†", 0x87: "‡", 0x88: "ˆ", 0x89: "‰", 0x8A: "Š",
        0x8B: "‹", 0x8C: "Œ", 0x8E: "Ž", 0x91: "‘", 0x92: "’", 0x93: "“", 0x94: "”", 0x95: "•", 0x96: "–", 0x97: "—",
        0x98: "˜", 0x99: "™", 0x9A: "š", 0x9B: "›", 0x9C: "œ", 0x9E: "ž", 0x9F: "Ÿ",
    ]
}
