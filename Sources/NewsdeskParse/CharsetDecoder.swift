import Foundation
import NewsdeskBase

/// Turns a feed's bytes, in whatever encoding they came, into UTF-8 that libxml2 can trust.
///
/// Order of evidence: a byte-order mark; the byte pattern of UTF-16/32 without one; then the XML
/// declaration, then the charset the caller passes (HTTP), then UTF-8. Declarations lie often, so
/// the bytes get the last word: text that is valid UTF-8 is read as UTF-8 whatever a Latin-1 or
/// windows-1252 declaration says, and bytes that are not valid UTF-8 in a document declared UTF-8
/// are read as windows-1252, one stray byte at a time. XML-illegal control characters and NULs go.
package enum CharsetDecoder {
    /// The document as UTF-8, the encoding it was read as, and what was repaired.
    package struct Decoded {
        package var bytes: [UInt8]
        var encoding: String
        var warnings: [String]
        /// Whether the text may hold C1 controls (the UTF-8 check saw C2 80-9F).
        var mayHoldC1: Bool

        init(_ cleaned: Cleaned, encoding: String, warnings: [String]) {
            bytes = cleaned.bytes
            self.encoding = encoding
            self.warnings = warnings
            mayHoldC1 = cleaned.mayHoldC1
        }
    }

    /// What `cleanUTF8` gives: the bytes, how many were not UTF-8 (read as windows-1252), how
    /// many valid multi-byte sequences were kept, and whether one of them was a C1 control.
    struct Cleaned {
        var bytes: [UInt8]
        var invalidBytes = 0
        var multibyte = 0
        var mayHoldC1 = false
    }

    package static func decode(_ data: some Collection<UInt8>, httpCharset: String? = nil) -> Decoded {
        var decoded = toUTF8(Array(data), httpCharset: httpCharset)
        let (bytes, repaired, controls) = restored(decoded.bytes, mayHoldC1: decoded.mayHoldC1)
        decoded.bytes = bytes
        if repaired > 0 { decoded.warnings.append("\(repaired) characters were UTF-8 encoded twice; restored") }
        if controls > 0 { decoded.warnings.append("\(controls) C1 control characters read as windows-1252") }
        return decoded
    }

    /// Clean UTF-8 text with double-encoded characters restored, then the C1 controls left read
    /// as windows-1252 (the repair needs them: it reads them as the bytes they once were); with
    /// how many of each. `mayHoldC1` is `cleanUTF8`'s flag: without it, and without a repair,
    /// there is nothing to map.
    static func restored(_ bytes: [UInt8], mayHoldC1: Bool) -> (bytes: [UInt8], repaired: Int, controls: Int) {
        let (repairedBytes, repaired) = DoubleEncodingRepair.repair(bytes)
        guard mayHoldC1 || repaired > 0 else { return (repairedBytes, repaired, 0) }
        let (mapped, controls) = readingC1AsWindows1252(repairedBytes)
        return (mapped, repaired, controls)
    }

    /// `bytes` (valid UTF-8) with the C1 controls U+0080-U+009F read as windows-1252, and how
    /// many there were. They are never text: in a feed they are windows-1252 punctuation that
    /// went through a Latin-1 conversion ("don\u{92}t"), and HTML reads `&#146;` the same way.
    /// The five codes windows-1252 leaves unassigned are dropped.
    static func readingC1AsWindows1252(_ bytes: [UInt8]) -> (bytes: [UInt8], controls: Int) {
        func isC1(_ buffer: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool { i + 1 < buffer.count && buffer[i + 1] < 0xA0 }
        return bytes.withUnsafeBufferPointer { buffer in
            // A UTF-8 C1 character is C2 80-9F: memchr for C2, which most text never holds.
            var next = ByteScan.index(of: 0xC2, in: buffer, from: 0)
            while let i = next, !isC1(buffer, i) { next = ByteScan.index(of: 0xC2, in: buffer, from: i + 1) }
            guard var i = next else { return (bytes, 0) }
            var out = Array(buffer[..<i])
            out.reserveCapacity(bytes.count)
            var controls = 0
            while i < buffer.count {
                if buffer[i] == 0xC2, isC1(buffer, i) {
                    if let character = Windows1252.character(buffer[i + 1]) { out.append(contentsOf: String(character).utf8) }
                    controls += 1
                    i += 2
                } else {
                    out.append(buffer[i])
                    i += 1
                }
            }
            return (out, controls)
        }
    }

    private static func toUTF8(_ bytes: [UInt8], httpCharset: String?) -> Decoded {
        if let (unicode, bomLength) = unicodeEncoding(of: bytes) {
            let text = transcodeUnicode(bytes[bomLength...], as: unicode)
            return Decoded(cleanUTF8(Array(text.utf8)), encoding: unicode.name, warnings: [])
        }
        var body = bytes
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body.removeFirst(3) }
        let declared = declaredEncoding(in: body).map(canonicalName)
        let http = httpCharset.map(canonicalName)
        var warnings: [String] = []
        let wanted = declared ?? http ?? "UTF-8"
        if declared != nil, let http, http != declared, !(isUTF8Family(http) && isUTF8Family(wanted)) {
            warnings.append("HTTP says charset \(http) but the document declares \(wanted); read as \(wanted)")
        }
        if isUTF8Family(wanted) || isLatin1Family(wanted) {
            let cleaned = cleanUTF8(body)
            if cleaned.invalidBytes > 0 {
                if isUTF8Family(wanted) && wanted != "US-ASCII" {
                    warnings.append("declared \(wanted) but \(cleaned.invalidBytes) bytes are not UTF-8; read them as windows-1252")
                    return Decoded(cleaned, encoding: "UTF-8", warnings: warnings)
                }
                // Mostly UTF-8 with a few stray bytes is UTF-8 mislabelled, not Latin-1.
                if cleaned.multibyte > cleaned.invalidBytes {
                    warnings.append("declared \(wanted) but the text is mostly UTF-8; read as UTF-8")
                    return Decoded(cleaned, encoding: "UTF-8", warnings: warnings)
                }
                return Decoded(
                    cleanUTF8(transcode(body, from: "WINDOWS-1252") ?? cleaned.bytes), encoding: "WINDOWS-1252", warnings: warnings)
            }
            if isLatin1Family(wanted) && cleaned.multibyte > 0 {
                warnings.append("declared \(wanted) but the text is valid UTF-8; read as UTF-8")
            }
            return Decoded(
                cleaned, encoding: cleaned.multibyte > 0 || isUTF8Family(wanted) ? "UTF-8" : wanted, warnings: warnings)
        }
        if let converted = transcode(body, from: wanted) {
            return Decoded(cleanUTF8(converted), encoding: wanted, warnings: warnings)
        }
        warnings.append("cannot read the document as \(wanted); read as UTF-8 with windows-1252 repair")
        return Decoded(cleanUTF8(body), encoding: "UTF-8", warnings: warnings)
    }

    // MARK: Unicode encodings with more than one byte per unit

    enum UnicodeForm {
        case utf16(bigEndian: Bool)
        case utf32(bigEndian: Bool)
        var name: String {
            switch self {
            case .utf16(let big): big ? "UTF-16BE" : "UTF-16LE"
            case .utf32(let big): big ? "UTF-32BE" : "UTF-32LE"
            }
        }
    }

    /// The UTF-16/32 form of `bytes` from its BOM or, without one, from where the zero bytes fall
    /// around the first `<`; with the length of the BOM to skip.
    static func unicodeEncoding(of bytes: [UInt8]) -> (UnicodeForm, Int)? {
        let head = Array(bytes.prefix(4)) + [UInt8](repeating: 0xAA, count: max(0, 4 - bytes.count))
        switch (head[0], head[1], head[2], head[3]) {
        case (0x00, 0x00, 0xFE, 0xFF): return (.utf32(bigEndian: true), 4)
        case (0xFF, 0xFE, 0x00, 0x00): return (.utf32(bigEndian: false), 4)
        case (0xFE, 0xFF, _, _): return (.utf16(bigEndian: true), 2)
        case (0xFF, 0xFE, _, _): return (.utf16(bigEndian: false), 2)
        default: break
        }
        // No BOM: look at the first ASCII character that is not a NUL, and the NULs around it.
        guard let first = bytes.prefix(64).firstIndex(where: { $0 != 0 }) else { return nil }
        let zerosBefore = first % 4 == 3 && first >= 3 ? 3 : first % 2 == 1 ? 1 : 0
        let after = bytes.dropFirst(first + 1).prefix(3)
        let zerosAfter = after.prefix(while: { $0 == 0 }).count
        switch (zerosBefore, zerosAfter) {
        case (3, _): return (.utf32(bigEndian: true), 0)
        case (_, 3): return (.utf32(bigEndian: false), 0)
        case (1, _): return (.utf16(bigEndian: true), 0)
        case (0, 1...): return (.utf16(bigEndian: false), 0)
        default: return nil
        }
    }

    private static func transcodeUnicode(_ bytes: ArraySlice<UInt8>, as form: UnicodeForm) -> String {
        var scalars = String.UnicodeScalarView()
        let base = bytes.startIndex
        switch form {
        case .utf16(let big):
            let units = (0..<bytes.count / 2).map { i -> UInt16 in
                let a = UInt16(bytes[base + 2 * i])
                let b = UInt16(bytes[base + 2 * i + 1])
                return big ? a << 8 | b : b << 8 | a
            }
            return String(decoding: units, as: UTF16.self)
        case .utf32(let big):
            for i in 0..<bytes.count / 4 {
                let b = (0..<4).map { UInt32(bytes[base + 4 * i + $0]) }
                let value = big ? b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3] : b[3] << 24 | b[2] << 16 | b[1] << 8 | b[0]
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            }
            return String(scalars)
        }
    }

    // MARK: Declarations and names

    /// The `encoding` of an XML declaration at the start (after white space), if any.
    static func declaredEncoding(in bytes: [UInt8]) -> String? {
        let head = bytes.prefix(512)
        guard let start = head.firstIndex(where: { !Whitespace.isXMLSpace($0) }),
            head[start...].starts(with: Array("<?xml".utf8)),
            let end = head[start...].firstIndex(of: UInt8(ascii: ">"))
        else { return nil }
        let declaration = String(decoding: head[start..<end], as: UTF8.self)
        guard let range = declaration.range(of: "encoding") else { return nil }
        var rest = declaration[range.upperBound...].drop(while: { $0 == " " || $0 == "=" || $0 == "\t" })
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        rest = rest.dropFirst()
        let value = rest.prefix(while: { $0 != quote })
        return value.isEmpty ? nil : String(value)
    }

    /// An upper-case charset name, with the aliases the web uses folded to what iconv knows.
    /// Latin-1 labels mean windows-1252, as browsers have always read them.
    static func canonicalName(_ label: String) -> String {
        let name = label.trimmingCharacters(in: .whitespaces).uppercased()
        switch name {
        case "UTF8", "UTF-8", "UNICODE-1-1-UTF-8", "X-UNICODE20UTF8": return "UTF-8"
        case "ASCII", "US-ASCII", "ANSI_X3.4-1968", "ISO646-US": return "US-ASCII"
        case "ISO-8859-1", "ISO8859-1", "LATIN1", "LATIN-1", "L1", "ISO_8859-1", "ISO-LATIN-1", "CP1252",
            "WINDOWS-1252", "X-CP1252", "CP819", "IBM819":
            return "WINDOWS-1252"
        case "GB2312", "GBK", "X-GBK", "CP936", "EUC-CN", "GB_2312-80": return "GB18030"
        case "BIG5", "BIG-5", "X-X-BIG5", "CN-BIG5": return "BIG5-HKSCS"
        case "SHIFT_JIS", "SHIFT-JIS", "SJIS", "X-SJIS", "MS_KANJI", "WINDOWS-31J": return "CP932"
        case "KS_C_5601-1987", "EUC-KR", "KOREAN": return "CP949"
        case "UTF-16", "UTF16": return "UTF-16"
        default: return name
        }
    }

    private static func isUTF8Family(_ name: String) -> Bool {
        name == "UTF-8" || name == "US-ASCII" || name == "UTF-16" || name == "UTF-32"
    }

    private static func isLatin1Family(_ name: String) -> Bool { name == "WINDOWS-1252" }
}
