import FeedTestSupport
import Foundation
import Testing

@testable import NewsdeskParse

@Suite("HTML sanitizing and plain text")
struct HTMLSanitizerTests {
    let base = URL(string: "https://site.example/posts/today.html")

    @Test(arguments: [
        ("<p>ok<script>alert(1)</script></p>", "<p>ok</p>"),
        ("<style>p{}</style><p>s</p>", "<p>s</p>"),
        ("<iframe src=\"https://evil.example\">x</iframe>i", "i"),
        ("<object data=\"x.swf\"><embed src=\"x.swf\">fallback <b>text</b></object>o", "fallback <b>text</b>o"),
        ("<form action=\"/steal\"><input name=\"p\"><button>Go</button></form>f", "Gof"),
        ("<a href=\"javascript:alert(1)\" onclick=\"x()\">j</a>", "<a>j</a>"),
        ("<a href=\"  JaVa\tScRiPt:alert(1)\">j</a>", "<a>j</a>"),
        ("<a href=\"vbscript:msgbox\">v</a>", "<a>v</a>"),
        ("<a href=\"data:text/html;base64,PHNjcmlwdD4=\">d</a>", "<a>d</a>"),
        ("<img src=\"data:image/png;base64,iVBORw0KGgo=\">", "<img src=\"data:image/png;base64,iVBORw0KGgo=\">"),
        (
            "<img src=\"pic.jpg\" onerror=\"x()\" style=\"a\" alt=\"A &amp; B\">",
            "<img src=\"https://site.example/posts/pic.jpg\" alt=\"A &amp; B\">"
        ),
        ("<a href=\"/about\" target=\"_blank\">r</a>", "<a href=\"https://site.example/about\">r</a>"),
        ("<p>unclosed <b>bold", "<p>unclosed <b>bold</b></p>"),
        ("stray </div> end tag", "stray  end tag"),
        ("<!-- comment -->text<!DOCTYPE html>", "text"),
        ("1 < 2 & 3 > 2", "1 &lt; 2 &amp; 3 &gt; 2"),
        ("<svg><script>x</script></svg>after", "after"),
        (
            "<img srcset=\"a.jpg 1x, javascript:x 2x,\n b.jpg 640w\">",
            "<img srcset=\"https://site.example/posts/a.jpg 1x, https://site.example/posts/b.jpg 640w\">"
        ),
        // Words that are not descriptors do not ride along (found by fuzzing: "javascript:1"
        // after a URL of control characters).
        (
            "<img srcset=\"a.jpg javascript:1 2x, b.jpg 1.5x 480h onerror=x() 1.2.3x w\">",
            "<img srcset=\"https://site.example/posts/a.jpg 2x, https://site.example/posts/b.jpg 1.5x 480h\">"
        ),
        ("<blockquote cite=\"src.html\">q</blockquote>", "<blockquote cite=\"https://site.example/posts/src.html\">q</blockquote>"),
    ])
    func sanitize(input: String, expected: String) {
        #expect(HTMLSanitizer.sanitize(input, base: base) == expected)
    }

    @Test func plainTextDropsTagsDecodesEntitiesAndFoldsSpace() {
        #expect(HTMLSanitizer.plainText("<p>Hello&nbsp;<b>wor</b>ld</p>\n\n<p>Caf&eacute;</p><script>x</script>") == "Hello world Café")
    }

    @Test func excerptFoldsWhiteSpaceBeforeItCounts() {
        // Far more white space than words: 10,250 bytes that fold to 249 characters, all kept.
        let spaced = { (count: Int) in String(repeating: "word" + String(repeating: " ", count: 200), count: count) }
        #expect(HTMLSanitizer.excerpt(spaced(50)) == Array(repeating: "word", count: 50).joined(separator: " "))
        // Sixty such words fold to 299 characters: cut at the last word that fits, with an ellipsis.
        #expect(HTMLSanitizer.excerpt(spaced(60)) == Array(repeating: "word", count: 56).joined(separator: " ") + "…")
        #expect(HTMLSanitizer.excerpt("short text") == "short text")
    }

    /// Long text is decoded a chunk at a time (a byte per character still wanted, plus 16: the
    /// first chunk of a 280-character excerpt is 297 bytes); a chunk must end neither inside a
    /// character reference nor between the two bytes of a no-break space. Each unit here is long in
    /// bytes and short in characters, so that chunks end inside units.
    @Test(arguments: [
        ("&eacute;&eacute;&eacute; ", "ééé"),  // 25 bytes: the first chunk ends in "&eacu"
        ("&#x4E2D;&#25991;&#x0061; ", "中文a"),  // 25 bytes: the first chunk ends in "&#x006"
        ("中" + String(repeating: "\u{A0}", count: 13), "中"),  // 29 bytes: the first chunk ends between 0xC2 and 0xA0
    ])
    func excerptOfLongTextReadsWholeCharacters(unit: String, expected: String) {
        let excerpt = HTMLSanitizer.excerpt(String(repeating: unit, count: 400))
        let words = excerpt.dropLast().split(separator: " ")
        #expect(excerpt.hasSuffix("…"))
        #expect(words.count >= 40)
        #expect(words.allSatisfy { $0 == expected })
        #expect(excerpt.unicodeScalars.count <= 281)
    }

    /// Found by fuzzing: stray UTF-8 continuation bytes (each becomes U+FFFD) must count
    /// towards the excerpt's limit.
    @Test func excerptOfInvalidUTF8StaysWithinItsLimit() {
        let bytes: [UInt8] = [0x62] + Array(repeating: 0x9D, count: 150) + Array(" tail".utf8)
        let excerpt = bytes.withUnsafeBufferPointer { HTMLSanitizer.sanitize($0, base: nil, excerptLimit: 50).excerpt }
        #expect(excerpt.unicodeScalars.count <= 51)
        #expect(excerpt.hasSuffix("…"))
    }

    /// Plain http(s) URLs are copied after a check that reads eight bytes at a time; a reference,
    /// which must be decoded (else `&amp;` would come out as `&amp;amp;`), is found at every offset.
    @Test(arguments: 0..<17)
    func referencesInURLsAreFoundAtEveryOffset(padding: Int) {
        let path = "https://x.example/" + String(repeating: "p", count: padding)
        #expect(HTMLSanitizer.sanitize("<a href=\"\(path)?a=1&amp;b=2\">l</a>", base: nil) == "<a href=\"\(path)?a=1&amp;b=2\">l</a>")
        #expect(HTMLSanitizer.sanitize("<img src=\"\(path)&#x41;\">", base: nil) == "<img src=\"\(path)A\">")
    }

    /// The excerpt's cut counts scalars eight bytes at a time; against a count one scalar at a
    /// time, for every position in texts mixing one- to four-byte characters.
    @Test(arguments: ["plain ascii text that runs on", "é中😀aé中😀a b", "中文新闻标题和摘要的文字", "😀😀😀😀😀😀😀😀😀"])
    func scalarIndexMatchesACountOneByOne(text: String) {
        let scalars = Array(text.unicodeScalars)
        var offsets: [Int] = []
        var offset = 0
        for scalar in scalars {
            offsets.append(offset)
            offset += String(scalar).utf8.count
        }
        Array(text.utf8).withUnsafeBufferPointer { bytes in
            for n in 0...(scalars.count + 2) {
                #expect(ByteScan.indexOfScalar(n, in: bytes) == (n < scalars.count ? offsets[n] : nil), "scalar \(n)")
            }
        }
    }

    /// Multi-byte text is cut at its character limit, not its byte count.
    @Test func excerptOfWideTextCountsCharacters() {
        let text = String(repeating: "中文 ", count: 30)  // 90 characters, 210 bytes
        #expect(HTMLSanitizer.excerpt(text, limit: 90) == String(repeating: "中文 ", count: 29) + "中文")
        #expect(HTMLSanitizer.excerpt(text, limit: 88) == String(repeating: "中文 ", count: 28) + "中文…")
    }

    /// Output written four times longer than its input (every `>` becomes `&gt;`) outgrows the
    /// buffer sized for the input, several times over, and loses nothing.
    @Test func outputLongerThanItsInputGrowsItsBuffer() {
        let input = String(repeating: ">", count: 5000) + "<b>end</b>"
        #expect(HTMLSanitizer.sanitize(input, base: nil) == String(repeating: "&gt;", count: 5000) + "<b>end</b>")
        var buffer = ByteBuffer(capacity: 0)
        for byte in 0..<1000 { buffer.append(UInt8(truncatingIfNeeded: byte)) }
        Array("tail".utf8).withUnsafeBufferPointer { buffer.append(contentsOf: $0) }
        buffer.removeLast(2)
        #expect(buffer.withBytes { Array($0) } == (0..<1000).map { UInt8(truncatingIfNeeded: $0) } + Array("ta".utf8))
    }

    /// Text is scanned eight bytes at a time for the four characters escaping touches (two
    /// tests cover the four); each is found at every offset, and its neighbours are left alone.
    @Test(arguments: 0..<17)
    func escapedCharactersAreFoundAtEveryOffset(padding: Int) {
        let pad = String(repeating: "x", count: padding)
        for (character, escaped) in [("\"", "&quot;"), ("&", "&amp;"), (">", "&gt;")] {
            let text = pad + character + "$'*.:=?" + pad
            #expect(HTMLSanitizer.sanitize(text, base: nil) == pad + escaped + "$'*.:=?" + pad, "\(character) after \(padding)")
        }
        #expect(HTMLSanitizer.sanitize(pad + "$'*<1" + pad, base: nil) == pad + "$'*&lt;1" + pad)
    }

    /// Folding skips eight bytes at a time through text it leaves as is; runs of spaces, tabs,
    /// line breaks and no-break spaces that start at every offset are still folded to one space.
    @Test(arguments: 0..<16)
    func whiteSpaceIsFoldedAtEveryOffset(offset: Int) {
        for gap in ["  ", "\t", "\n \n", " \u{A0}", "\u{A0}\u{A0}"] {
            let words = ["lead" + String(repeating: "x", count: offset), "alpha", "beta", "gamma", "delta", "epsilon"]
            let text = words.joined(separator: gap) + gap + "end of the text with single spaces"
            let expected = (words + ["end", "of", "the", "text", "with", "single", "spaces"]).joined(separator: " ")
            #expect(HTMLSanitizer.plainText("<p>" + text + "</p>") == expected)
            #expect(HTMLSanitizer.excerpt(gap + text) == expected)
        }
    }

    @Test func excerptCutsAtAWord() {
        let text = String(repeating: "word ", count: 100)
        let excerpt = HTMLSanitizer.excerpt(text, limit: 22)
        #expect(excerpt == "word word word word…")
    }

    @Test func sanitizedFeedContent() throws {
        let feed = try parse(
            rss(
                "<item><title>t</title><description>&lt;p onmouseover=\"evil()\"&gt;Hi &lt;iframe src=x&gt;&lt;/iframe&gt;&lt;a href=\"rel/link\"&gt;there&lt;/a&gt;&lt;/p&gt;</description></item>"
            ),
            url: "https://feed.example/news/rss.xml")
        #expect(feed.items.first?.summary == "<p>Hi <a href=\"https://feed.example/news/rel/link\">there</a></p>")
        #expect(feed.items.first?.excerpt == "Hi there")
    }
}

@Suite("Byte-level text helpers")
struct UTF8TextTests {
    /// The word-at-a-time scans must see a special byte wherever it falls in the 8-byte words.
    @Test(arguments: 0..<17)
    func specialBytesAtEveryOffset(padding: Int) {
        let pad = String(repeating: "a", count: padding)
        let input = pad + "x&amp;y<z>\"é&#233;" + pad
        var decoded: [UInt8] = []
        var escaped: [UInt8] = []
        Array(input.utf8).withUnsafeBufferPointer {
            UTF8Text.appendDecoded($0, escape: false, to: &decoded)
            UTF8Text.appendEscaped($0, to: &escaped)
        }
        #expect(String(decoding: decoded, as: UTF8.self) == pad + "x&y<z>\"éé" + pad)
        #expect(String(decoding: escaped, as: UTF8.self) == pad + "x&amp;amp;y&lt;z&gt;&quot;é&amp;#233;" + pad)
        #expect(HTMLSanitizer.sanitize(input, base: nil) == pad + "x&amp;y&quot;éé" + pad, "<z> is an unknown tag: dropped")
        let spaced = pad + "one  two\t\nthree\u{A0}four \u{A0} five" + pad
        #expect(UTF8Text.fold(spaced) == pad + "one two three four five" + pad)
    }
}

@Suite("HTML vocabulary tables")
struct HTMLVocabularyTests {
    @Test(arguments: [HTMLVocabulary.tags, HTMLVocabulary.attributes])
    func everyNameIsFoundInAnyCase(table: HTMLNameTable) {
        #expect(table.count > 20)
        for id in 0..<table.count {
            let spelling = Array(table.spelling(UInt8(id)))
            let upper = spelling.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
            for form in [spelling, upper] {
                #expect(form.withUnsafeBufferPointer { table.lookup($0)?.id } == UInt8(id))
            }
        }
        for unknown in ["blink", "marquee", "onclick", "x", "averyveryverylongname"] {
            #expect(Array(unknown.utf8).withUnsafeBufferPointer { table.lookup($0) } == nil)
        }
    }
}
