import Testing

@testable import NewsdeskParse

@Suite struct PlainTextTests {
    /// The bidi controls, zero-width characters and other invisible format controls removed.
    static let invisible: [UInt32] =
        Array(0x202A...0x202E) + Array(0x2066...0x2069) + Array(0x200B...0x200F) + Array(0x2060...0x2064)
        + [0x061C, 0x180E, 0xFEFF, 0x00AD, 0x206A, 0xFFF9, 0xE0001, 0x1D173]
        // Not format controls, yet rendered as nothing: the Hangul fillers, the combining
        // grapheme joiner, Khmer's inherent vowels, a reserved default-ignorable code point.
        + [0x3164, 0x115F, 0x1160, 0xFFA0, 0x034F, 0x17B4, 0x17B5, 0x2065, 0xFFF0]

    @Test(arguments: invisible)
    func invisibleControlsAreRemoved(value: UInt32) throws {
        let scalar = try #require(Unicode.Scalar(value))
        #expect(PlainText.visible("a\(scalar)b") == "ab", "U+\(String(value, radix: 16))")
        #expect(PlainText.visible("\(scalar)x") == "x")
        #expect(PlainText.visible("中\(scalar)") == "中")
    }

    @Test func mongolianKeepsItsFreeVariationSelectors() {
        #expect(PlainText.visible("ᠮᠣᠩᠭᠣᠯ\u{180B}") == "ᠮᠣᠩᠭᠣᠯ\u{180B}")
    }

    @Test func spoofedFileNamesShowAsWhatTheyAre() {
        #expect(PlainText.visible("\u{202E}gnp.exe") == "gnp.exe")
        #expect(PlainText.visible("invoice\u{2066}\u{202E}fdp.exe\u{2069}") == "invoicefdp.exe")
        #expect(PlainText.visible("pay\u{200D}pal \u{200B}login") == "paypal login")
        // Control characters and line separators are white space, folded with the rest.
        #expect(PlainText.visible("a\u{2028}b\u{2029}c \u{1B}[31m d\u{85}e") == "a b c [31m d e")
        #expect(PlainText.visible("a \u{200B} b") == "a b")
    }

    @Test func joinersStayWhereTheyJoinSomething() {
        let persian = "می\u{200C}خواهم"  // "I want": ZWNJ keeps the two parts apart, as spelling needs
        #expect(PlainText.visible(persian) == persian)
        let hindi = "क्\u{200D}ष"
        #expect(PlainText.visible(hindi) == hindi)
        let family = "👨\u{200D}👩\u{200D}👧"
        #expect(PlainText.visible("Our \(family) day") == "Our \(family) day")
        let heart = "❤\u{FE0F}\u{200D}🔥"
        #expect(PlainText.visible(heart) == heart)
        // At an end, doubled, or beside white space they join nothing.
        #expect(PlainText.visible("\u{200D}👨\u{200D}") == "👨")
        #expect(PlainText.visible("👨\u{200D}\u{200D}👩") == "👨\u{200D}👩")
        #expect(PlainText.visible("خواهم \u{200C}می") == "خواهم می")
    }

    @Test func tagsAndVariationSelectorsStayOnlyWhereTheyMeanSomething() {
        let scotland = "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}"
        #expect(PlainText.visible("Go \(scotland)!") == "Go \(scotland)!")
        // Tag characters spelling hidden text after an ordinary word go.
        #expect(PlainText.visible("hello\u{E0069}\u{E0067}\u{E006E}\u{E006F}\u{E0072}\u{E0065}") == "hello")
        #expect(PlainText.visible("🏴" + String(repeating: "\u{E0061}", count: 20)).unicodeScalars.count == 8)
        #expect(PlainText.visible("☺\u{FE0F}") == "☺\u{FE0F}")
        #expect(PlainText.visible("☺\u{FE0F}\u{FE0E}\u{FE0F}") == "☺\u{FE0F}")
        #expect(PlainText.visible("\u{FE0F}x") == "x")
        // Prepended concatenation marks show: they stay.
        #expect(PlainText.visible("\u{0600}١٢٣") == "\u{0600}١٢٣")
    }

    @Test func cutsFallWhereACharacterEnds() {
        #expect(PlainText.cut("abcdef", to: 3) == "abc…")
        #expect(PlainText.cut("abc", to: 3) == "abc")
        #expect(PlainText.cut("abc …", to: 4) == "abc …", "four characters and an ellipsis: cut already")
        #expect(PlainText.cut(PlainText.cut("abcdef", to: 3), to: 3) == "abc…")
        #expect(PlainText.cut(String(repeating: "中", count: 1_000), to: 300) == String(repeating: "中", count: 300) + "…")
        let family = "👨\u{200D}👩\u{200D}👧\u{200D}👦"  // seven scalars
        #expect(PlainText.cut(String(repeating: family, count: 100), to: 300) == String(repeating: family, count: 42) + "…")
        #expect(PlainText.cut(String(repeating: "e\u{301}", count: 200), to: 301) == String(repeating: "e\u{301}", count: 150) + "…")
        #expect(PlainText.cut(String(repeating: "🇫🇷", count: 200), to: 301) == String(repeating: "🇫🇷", count: 150) + "…")
        // One character longer than the cap by itself is cut between its scalars.
        let zalgo = PlainText.cut("a" + String(repeating: "\u{301}", count: 1_000), to: 300)
        #expect(zalgo == "a" + String(repeating: "\u{301}", count: 299) + "…")
        #expect(PlainText.cut("word word word", to: 12, atWord: true) == "word word…")
        #expect(PlainText.cut("word word. More", to: 12) == "word word. M…")
    }

    @Test func cleaningAHugeTextReadsOnlyItsStart() {
        let huge = String(repeating: "x", count: 4 << 20)
        #expect(PlainText.clean(huge, limit: 300) == String(repeating: "x", count: 300) + "…")
        let hidden = String(repeating: "\u{200B}", count: 1 << 20) + "visible"
        #expect(PlainText.clean(hidden, limit: 300) == "…")
        #expect(PlainText.clean("Short \u{202E}title", limit: 300) == "Short title")
    }
}
