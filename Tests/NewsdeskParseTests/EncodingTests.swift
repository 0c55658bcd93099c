import FeedTestSupport
import Foundation
import Testing

@testable import NewsdeskParse

@Suite("Encodings: BOMs, declarations, HTTP charsets, and declarations that lie")
struct EncodingTests {
    /// A one-item RSS document whose item title is `title`, declared as `declared`.
    func document(title: String, declared: String?) -> String {
        let declaration = declared.map { "<?xml version=\"1.0\" encoding=\"\($0)\"?>" } ?? "<?xml version=\"1.0\"?>"
        return declaration + "<rss version=\"2.0\"><channel><title>E</title><item><title>\(title)</title></item></channel></rss>"
    }

    func title(_ bytes: [UInt8], charset: String? = nil) throws -> String? {
        try parse(bytes, charset: charset).items.first?.title
    }

    @Test func utf8WithBOM() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(document(title: "Grüße", declared: "UTF-8").utf8)
        #expect(try title(bytes) == "Grüße")
    }

    @Test(arguments: [true, false])
    func utf16(bigEndian: Bool) throws {
        let text = document(title: "日本語のニュース", declared: "UTF-16")
        for withBOM in [true, false] {
            var bytes: [UInt8] = withBOM ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
            for unit in text.utf16 {
                let pair = [UInt8(unit >> 8), UInt8(unit & 0xFF)]
                bytes += bigEndian ? pair : pair.reversed()
            }
            #expect(try title(bytes) == "日本語のニュース", "bigEndian: \(bigEndian), BOM: \(withBOM)")
        }
    }

    @Test(arguments: [true, false])
    func utf32(bigEndian: Bool) throws {
        let text = document(title: "Ελληνικά 😀", declared: "UTF-32")
        for withBOM in [true, false] {
            var bytes: [UInt8] = withBOM ? (bigEndian ? [0, 0, 0xFE, 0xFF] : [0xFF, 0xFE, 0, 0]) : []
            for scalar in text.unicodeScalars {
                let v = scalar.value
                let be = [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
                bytes += bigEndian ? be : be.reversed()
            }
            #expect(try title(bytes) == "Ελληνικά 😀", "bigEndian: \(bigEndian), BOM: \(withBOM)")
        }
    }

    @Test func declaredLatin1() throws {
        let bytes = Array(document(title: "Caf_ cr~me", declared: "ISO-8859-1").utf8).map {
            $0 == UInt8(ascii: "_") ? 0xE9 : $0 == UInt8(ascii: "~") ? 0xE8 : $0
        }
        #expect(try title(bytes) == "Café crème")
    }

    @Test func declaredUTF8ButWindows1252Bytes() throws {
        // "Smart “quotes” – naïve" in windows-1252, in a document that claims UTF-8.
        var bytes = Array(document(title: "#", declared: "UTF-8").utf8)
        let index = bytes.firstIndex(of: UInt8(ascii: "#"))!
        bytes.replaceSubrange(
            index...index,
            with: [
                0x53, 0x6D, 0x61, 0x72, 0x74, 0x20, 0x93, 0x71, 0x75, 0x6F, 0x74, 0x65, 0x73,
                0x94, 0x20, 0x96, 0x20, 0x6E, 0x61, 0xEF, 0x76, 0x65,
            ])
        #expect(try title(bytes) == "Smart “quotes” – naïve")
    }

    @Test func declaredLatin1ButUTF8Bytes() throws {
        let bytes = Array(document(title: "Brøndby – København", declared: "ISO-8859-1").utf8)
        #expect(try title(bytes) == "Brøndby – København")
    }

    @Test func httpCharsetWhenTheDocumentDeclaresNone() throws {
        // "Новости" in windows-1251.
        var bytes = Array(document(title: "#", declared: nil).utf8)
        let index = bytes.firstIndex(of: UInt8(ascii: "#"))!
        bytes.replaceSubrange(index...index, with: [0xCD, 0xEE, 0xE2, 0xEE, 0xF1, 0xF2, 0xE8])
        #expect(try title(bytes, charset: "windows-1251") == "Новости")
        #expect(try title(bytes, charset: nil) != "Новости", "without the charset the bytes are not Cyrillic")
    }

    @Test func declaredLegacyEncodingsViaIconv() throws {
        // "新闻" in GB2312 and "Известия" in KOI8-R.
        var gb = Array(document(title: "#", declared: "gb2312").utf8)
        let g = gb.firstIndex(of: UInt8(ascii: "#"))!
        gb.replaceSubrange(g...g, with: [0xD0, 0xC2, 0xCE, 0xC5])
        #expect(try title(gb) == "新闻")
        var koi = Array(document(title: "#", declared: "KOI8-R").utf8)
        let k = koi.firstIndex(of: UInt8(ascii: "#"))!
        koi.replaceSubrange(k...k, with: [0xE9, 0xDA, 0xD7, 0xC5, 0xD3, 0xD4, 0xC9, 0xD1])
        #expect(try title(koi) == "Известия")
    }

    @Test func whitespaceAndBOMBeforeTheDeclaration() throws {
        let text = document(title: "Leading junk", declared: "UTF-8")
        #expect(try title(Array(("\n\n   \t" + text).utf8)) == "Leading junk")
        #expect(try title([0x20, 0x0A, 0xEF, 0xBB, 0xBF] + Array(text.utf8)) == "Leading junk")
        let feed = try parse("<br />\n<b>Warning</b>: PHP notice\n" + text)
        #expect(feed.items.first?.title == "Leading junk")
        #expect(feed.warnings.contains { $0.contains("before the XML declaration") })
    }

    @Test func controlCharactersAndNULsAreDropped() throws {
        let bytes = Array(document(title: "Bell\u{07}and\u{00}nul\u{1B}esc", declared: "UTF-8").utf8)
        #expect(try title(bytes) == "Bellandnulesc")
    }

    /// windows-1252 text once converted as if it were Latin-1: its curly quotes, dashes and
    /// ellipsis became the C1 controls U+0080-U+009F, which are read back as windows-1252. The
    /// five codes windows-1252 leaves unassigned are dropped; U+00A0 and up are left alone.
    @Test func c1ControlsAreReadAsWindows1252() throws {
        let text = "don\u{92}t \u{93}quote\u{94} \u{96} more\u{85} \u{80}5\u{81}\u{8D}\u{8F}\u{90}\u{9D} caf\u{E9}\u{A0}ok"
        let feed = try parse(Array(document(title: text, declared: "UTF-8").utf8))
        #expect(feed.items.first?.title == "don’t “quote” – more… €5 café ok")
        #expect(feed.warnings.contains("11 C1 control characters read as windows-1252"))
        let mapped = CharsetDecoder.readingC1AsWindows1252(Array("a\u{92}b\u{9F}\u{A0}\u{C2}".utf8))
        #expect(String(decoding: mapped.bytes, as: UTF8.self) == "a’bŸ\u{A0}\u{C2}")
        #expect(mapped.controls == 2)
    }

    /// Every control byte at every offset of a 68-byte ASCII text (the 32-byte, 8-byte and
    /// byte-wise stretches of the scan): tabs, line feeds and carriage returns stay; the rest go.
    @Test func everyControlByteIsJudgedAtEveryOffset() {
        let text = Array("Line one\tand two\r\nthen a long stretch of plain ASCII words for speed".utf8)
        #expect(text.count == 68)
        for control in UInt8(0)..<0x20 {
            let kept = control == 0x09 || control == 0x0A || control == 0x0D
            for offset in 0...text.count {
                var bytes = text
                bytes.insert(control, at: offset)
                let cleaned = CharsetDecoder.cleanUTF8(bytes).bytes
                #expect(cleaned == (kept ? bytes : text), "byte \(control) at \(offset)")
            }
        }
    }
}

@Suite("Double-encoded UTF-8")
struct DoubleEncodingTests {
    @Test func mojibakeIsRestored() throws {
        // "Fórmula … ¿Aquí?" encoded to UTF-8, read as windows-1252, encoded to UTF-8 again.
        let once = Array("Fórmula … ¿Aquí?".utf8)
        let mangled = Array(
            String(
                once.map { byte -> Character in
                    let cp1252: [UInt8: String] = [0x80: "€", 0xA6: "¦"]
                    return Character(cp1252[byte] ?? String(UnicodeScalar(byte)))
                }
            ).utf8)
        let feed = try parse(rss("<item><title>\(String(decoding: mangled, as: UTF8.self))</title></item>"))
        #expect(feed.items.first?.title == "Fórmula … ¿Aquí?")
        #expect(feed.warnings.contains { $0.contains("encoded twice") })
    }

    /// Double-encoded through Latin-1 (PHP's `utf8_encode`), not windows-1252: the second
    /// encoding holds C1 characters, among them the five windows-1252 leaves unassigned (” is
    /// E2 80 9D, Á is C3 81). The repair reads them before they are read as windows-1252.
    @Test func mojibakeThroughLatin1IsRestored() throws {
        let text = "“Quoted” — Ábaco, Íslenska, Ýmir, Ðá"
        let mangled = String(Array(text.utf8).map { Character(UnicodeScalar($0)) })
        let feed = try parse(rss("<item><title>\(mangled)</title></item>"))
        #expect(feed.items.first?.title == text)
        #expect(feed.warnings == ["8 characters were UTF-8 encoded twice; restored"])
    }

    @Test func ordinaryAccentsAreLeftAlone() throws {
        let feed = try parse(rss("<item><title>SÃO PAULO, Â la carte, Ã©tude? No: Ångström</title></item>"))
        #expect(feed.items.first?.title == "SÃO PAULO, Â la carte, étude? No: Ångström")
    }
}
