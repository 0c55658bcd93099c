import NewsdeskBase

/// HTML's named character references, and the decoding of text XML did not decode.
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
}
