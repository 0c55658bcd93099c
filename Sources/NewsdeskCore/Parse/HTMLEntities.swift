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
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semicolon = after.prefix(40).firstIndex(of: ";"),
               let decoded = reference(after[..<semicolon]) {
                out += decoded
                rest = after[after.index(after: semicolon)...]
            } else {
                out += "&"
                rest = after
            }
        }
        out += rest
        return out
    }

    /// The characters a reference body (between `&` and `;`) stands for.
    static func reference(_ body: Substring) -> String? {
        if body.hasPrefix("#") {
            let digits = body.dropFirst()
            let value: UInt32? = digits.first == "x" || digits.first == "X"
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            guard let value, value != 0, let scalar = Unicode.Scalar(value) else { return nil }
            return String(scalar)
        }
        return character(named: body)
    }
}
