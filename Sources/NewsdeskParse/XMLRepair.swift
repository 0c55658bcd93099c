import Foundation
import NewsdeskBase

/// Mends the defects real feeds have most, before libxml2 sees the bytes, so that a document
/// one step from well-formed is read as the publisher meant rather than only recovered:
/// text before the XML declaration, HTML entities XML does not know (`&nbsp;`), bare ampersands,
/// character references to characters XML forbids, and CDATA sections left open.
///
/// It also lifts text out of the document where libxml2 is slowest and the text needs little
/// work: CDATA sections (libxml2 reads their content a character at a time) and runs of
/// character data that hold references (escaped HTML: libxml2 makes a call for every `&lt;`),
/// whose references are decoded here. Each becomes a placeholder, U+FDD0 + its number + its
/// line breaks + U+FDD1 (noncharacters `CharsetDecoder` removes from input, so they cannot be
/// forged), which `FeedBuilder` swaps back for the text.
///
/// Works on UTF-8 (see `CharsetDecoder`) and copies only when it changes something.
enum XMLRepair {
    /// The document for libxml2, and the text its placeholders stand for.
    struct Repaired {
        var bytes: [UInt8]
        /// The lifted texts, back to back: CDATA content as written, character data decoded.
        var lifted: [UInt8]
        /// Where each placeholder's text is in `lifted`, by placeholder number.
        var pieces: [Range<Int>]
        var warnings: [String]
        /// Lines removed before the document start: add to libxml2's line numbers to name the
        /// line of the input. (Lifted text keeps its line breaks inside the placeholder.)
        var lineOffset = 0
    }

    static let placeholderOpen: [UInt8] = [0xEF, 0xB7, 0x90]  // U+FDD0
    static let placeholderClose: [UInt8] = [0xEF, 0xB7, 0x91]  // U+FDD1

    static func repair(_ input: [UInt8]) -> Repaired {
        var warnings: [String] = []
        var bytes = stripLeadingJunk(input, warnings: &warnings)
        let lineOffset = input[..<(input.count - bytes.count)].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        let doctype = doctypeRange(bytes)
        let declared = doctype.map { declaredEntityNames(bytes[$0]) } ?? []
        var scanner = Scanner(bytes: bytes, declared: declared, start: doctype?.upperBound ?? 0)
        if scanner.run() {
            bytes = scanner.output
            if scanner.entitiesReplaced > 0 {
                warnings.append("\(scanner.entitiesReplaced) HTML entities that XML does not define were decoded")
            }
            if scanner.ampersandsEscaped > 0 {
                warnings.append("\(scanner.ampersandsEscaped) bare '&' characters were read as text")
            }
            if scanner.cdataClosed > 0 {
                warnings.append("\(scanner.cdataClosed) unclosed CDATA sections were closed")
            }
        }
        return Repaired(bytes: bytes, lifted: scanner.lifted, pieces: scanner.pieces, warnings: warnings, lineOffset: lineOffset)
    }

    /// Drops white space (and stray BOMs) before the first `<`, and any text before an XML
    /// declaration found near the start.
    private static func stripLeadingJunk(_ bytes: [UInt8], warnings: inout [String]) -> [UInt8] {
        var start = 0
        while start < bytes.count,
            Whitespace.isXMLSpace(bytes[start])
                || bytes[start] == 0xEF
                    && bytes.count > start + 2 && bytes[start + 1] == 0xBB && bytes[start + 2] == 0xBF
        {
            start += Whitespace.isXMLSpace(bytes[start]) ? 1 : 3
        }
        if start < bytes.count, bytes[start] != UInt8(ascii: "<") || !bytes[start...].starts(with: Array("<?xml".utf8)),
            let declaration = ByteScan.firstIndex(of: Array("<?xml".utf8), in: bytes[start..<min(bytes.count, start + 4096)]),
            declaration > start
        {
            warnings.append("\(declaration) bytes of text before the XML declaration were ignored")
            start = declaration
        }
        return start == 0 ? bytes : Array(bytes[start...])
    }

    /// Where the DOCTYPE declaration (with its internal subset) is, when the document starts with
    /// one: its entity values are left to libxml2.
    private static func doctypeRange(_ bytes: [UInt8]) -> Range<Int>? {
        guard let start = ByteScan.firstIndex(of: Array("<!DOCTYPE".utf8), in: bytes[..<min(bytes.count, 8192)]) else { return nil }
        var depth = 0
        var i = start
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ">") where depth <= 0: return start..<(i + 1)
            default: break
            }
            i += 1
        }
        return start..<bytes.count
    }

    /// Names of the general entities an internal DTD subset declares: references to them stay.
    private static func declaredEntityNames(_ doctype: ArraySlice<UInt8>) -> Set<String> {
        var names: Set<String> = []
        var position = doctype.startIndex
        let marker = Array("<!ENTITY".utf8)
        while let found = ByteScan.firstIndex(of: marker, in: doctype[position...]) {
            var i = found + marker.count
            while i < doctype.endIndex, Whitespace.isXMLSpace(doctype[i]) { i += 1 }
            if i < doctype.endIndex, doctype[i] != UInt8(ascii: "%") {
                let nameStart = i
                while i < doctype.endIndex, !Whitespace.isXMLSpace(doctype[i]) { i += 1 }
                names.insert(String(decoding: doctype[nameStart..<i], as: UTF8.self))
            }
            position = i
        }
        return names
    }
}
