import NewsdeskBase

/// Plain text as Newsdesk keeps and republishes it (titles, feed names, excerpts, the texts of
/// links): free of the invisible controls that make text display as something other than what
/// it is, and no longer than a cap, cut where a character ends.
///
/// ``visible(_:)`` removes
/// - the bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069) and marks
///   (U+200E, U+200F, U+061C): with them `\u{202E}gnp.exe` shows as `exe.png`;
/// - every other invisible format control (general category Cf): U+200B zero-width space,
///   U+2060-2064, U+FEFF, U+00AD soft hyphen, U+180E, U+FFF9-FFFB, U+E0001 and the like. Kept
///   are the Cf characters that show or shape what is written: the prepended concatenation marks
///   (U+0600-0605, U+06DD, U+070F, U+0890-0891, U+08E2, U+110BD, U+110CD) and the Egyptian
///   hieroglyph format controls (U+13430-1345F);
/// - control characters (C0, DEL, C1) and the line and paragraph separators, which become
///   spaces (folded with the white space around them).
///
/// The joiners U+200C (ZWNJ) and U+200D (ZWJ) stay where they join two characters outside ASCII:
/// Persian and the Indic scripts need ZWNJ to be spelled right, emoji sequences (👨‍👩‍👧) and some
/// Indic conjuncts need ZWJ. At an end of the text, beside white space or ASCII, or doubled they
/// join nothing and only hide (`pay\u{200D}pal`): there they go. Tag characters stay only in a
/// flag's tag sequence, after U+1F3F4 and at most seven of them (🏴󠁧󠁢󠁳󠁣󠁴󠁿); a variation selector
/// only right after a character that is not one. Elsewhere both are invisible, and a run of
/// them can carry hidden text.
public enum PlainText {
    /// `text` without invisible controls and cut to `limit` characters (see ``cut(_:to:atWord:more:)``).
    /// Only the start of a very long text is looked at: what lies past a few times the cap is
    /// never shown, and leaves an ellipsis.
    public static func clean(_ text: String, limit: Int) -> String {
        let room = min(limit, 1 << 40) * 8 + 64
        guard text.utf8.count > room, let end = Whitespace.withBytes(text, { ByteScan.indexOfScalar(room, in: $0) }) else {
            return cut(visible(text), to: limit)
        }
        var start = visible(String(decoding: text.utf8.prefix(end), as: UTF8.self))
        // The last character of the start may be the first part of one the rest completes.
        if !start.isEmpty { start.removeLast() }
        return cut(Whitespace.trim(start), to: limit, more: true)
    }

    /// `text` without invisible controls (see the type), white space folded where anything was
    /// removed or replaced.
    public static func visible(_ text: String) -> String {
        // Printable ASCII has nothing to remove: most titles end here.
        if text.utf8.allSatisfy({ $0 &- 0x20 < 0x5F }) { return text }
        let scalars = text.unicodeScalars
        // Nor has text in any script without joiners, selectors, tags or controls.
        if scalars.allSatisfy({ kind($0) == .character }) { return text }
        var out = String.UnicodeScalarView()
        var changed = false
        var last: Unicode.Scalar?  // the last scalar kept
        var tags = 0  // tag characters kept in a row
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            index = scalars.index(after: index)
            let keep: Bool
            switch kind(scalar) {
            case .character: keep = true
            case .space:
                out.append(" ")
                last = " "
                tags = 0
                changed = true
                continue
            case .control: keep = false
            case .joiner:
                keep = last.map(joinable) == true && index < scalars.endIndex && joinable(scalars[index])
            case .tag:
                keep = (last?.value == 0x1F3F4 || tags > 0) && tags < 7
            case .selector:
                keep = last.map { kind($0) == .character && !$0.properties.isWhitespace } == true
            }
            guard keep else {
                changed = true
                continue
            }
            tags = kind(scalar) == .tag ? tags + 1 : 0
            out.append(scalar)
            last = scalar
        }
        return changed ? UTF8Text.fold(String(out)) : text
    }

    /// `text` cut to at most `limit` characters (Unicode scalars), with `…` after them when
    /// anything was left out (`more`: the text went on past `text`).
    ///
    /// The cut falls where a character as a reader sees it ends (a grapheme cluster: never
    /// inside a multi-byte character, a combining sequence, an emoji sequence or a flag), at the
    /// last space before the limit when `atWord` and there is one. A first character longer
    /// than the limit on its own (a letter under hundreds of combining marks) is cut between
    /// its scalars. `limit` characters and an ellipsis count as cut already: cutting again
    /// changes nothing.
    public static func cut(_ text: String, to limit: Int, atWord: Bool = false, more: Bool = false) -> String {
        let utf8 = text.utf8
        // Where scalar number `limit` starts; nil when there is none (a scalar is a byte at least).
        let end = utf8.count > limit ? Whitespace.withBytes(text) { ByteScan.indexOfScalar(limit, in: $0) } : nil
        guard end != nil || more else { return text }
        if !more, let end, end == utf8.count - 3, text.hasSuffix("…") { return text }
        let limitIndex = end.map { utf8.index(utf8.startIndex, offsetBy: $0) } ?? text.endIndex
        var boundary = text.startIndex
        while boundary < limitIndex {
            let next = text.index(after: boundary)
            guard next <= limitIndex else { break }
            boundary = next
        }
        var kept =
            boundary > text.startIndex || limitIndex == text.startIndex
            ? String(text[..<boundary]) : String(decoding: utf8[..<limitIndex], as: UTF8.self)
        if atWord, let space = kept.utf8.lastIndex(of: 0x20), space > kept.startIndex {
            kept = String(kept[..<space])
        }
        return Whitespace.trim(kept) + "…"
    }

    private enum Kind {
        case character, space, control, joiner, tag, selector
    }

    private static func kind(_ scalar: Unicode.Scalar) -> Kind {
        let value = scalar.value
        if value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029 { return .space }
        if value < 0x7F { return .character }
        switch value {
        case 0x200C, 0x200D: return .joiner
        case 0xE0020...0xE007F: return .tag
        // Variation selectors, Mongolian's free variation selectors among them: kept once
        // after a character, as they choose its shape.
        case 0xFE00...0xFE0F, 0xE0100...0xE01EF, 0x180B...0x180D, 0x180F: return .selector
        case 0x0600...0x0605, 0x06DD, 0x070F, 0x0890...0x0891, 0x08E2, 0x110BD, 0x110CD, 0x13430...0x1345F: return .character
        // Format controls, and what else Unicode says renders as nothing (the Hangul fillers,
        // U+034F, U+17B4/17B5, the reserved default-ignorable ranges): invisible, so gone.
        default:
            let properties = scalar.properties
            return properties.generalCategory == .format || properties.isDefaultIgnorableCodePoint ? .control : .character
        }
    }

    /// Whether a joiner next to `scalar` can join something: a character outside ASCII that
    /// is neither white space nor another joiner or control.
    private static func joinable(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x80 && !scalar.properties.isWhitespace && [.character, .selector].contains(kind(scalar))
    }
}
