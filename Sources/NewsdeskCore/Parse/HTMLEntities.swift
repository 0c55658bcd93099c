/// Named and numeric character references as HTML knows them, for text XML did not decode.
enum HTMLEntities {
    /// Entity name (without `&` and `;`) to its characters, built once from the packed table.
    static let byName: [String: String] = {
        var table: [String: String] = [:]
        table.reserveCapacity(2200)
        for entry in HTMLEntityTable.packed.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            let scalars = entry[entry.index(after: equals)...].split(separator: ".").compactMap {
                UInt32($0, radix: 16).flatMap(Unicode.Scalar.init)
            }
            table[String(entry[..<equals])] = String(String.UnicodeScalarView(scalars))
        }
        return table
    }()

    /// The characters of `&name;`, or nil for a name HTML does not define.
    static func character(named name: some StringProtocol) -> String? { byName[String(name)] }

    /// `text` with every character reference (`&amp;`, `&eacute;`, `&#233;`, `&#xE9;`) decoded;
    /// unknown references stay as written.
    static func decode(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        return UTF8Text.withBytes(text) { bytes in
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
            let value: UInt32? = digits.first == "x" || digits.first == "X"
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            guard let value, value != 0 else { return nil }
            if (0x80...0x9F).contains(value), let mapped = windows1252[value] { return mapped }
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
