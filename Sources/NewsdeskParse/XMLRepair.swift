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
            let declaration = firstIndex(of: Array("<?xml".utf8), in: bytes[start..<min(bytes.count, start + 4096)]),
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
        guard let start = firstIndex(of: Array("<!DOCTYPE".utf8), in: bytes[..<min(bytes.count, 8192)]) else { return nil }
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
        while let found = firstIndex(of: marker, in: doctype[position...]) {
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

    /// The start of the first occurrence of `needle` in `haystack`. memchr looks for the needle's
    /// rarest byte (`[`, `]`, `!` or `?` when it has one: rare in feed text, unlike `<`).
    static func firstIndex(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        let anchor = needle.firstIndex(where: { $0 == 0x5B || $0 == 0x5D || $0 == 0x21 || $0 == 0x3F }) ?? 0
        return haystack.withUnsafeBytes { raw -> Int? in
            guard let base = raw.baseAddress else { return nil }
            var offset = anchor
            let last = raw.count - needle.count + anchor
            while offset <= last {
                guard let hit = memchr(base + offset, Int32(needle[anchor]), last - offset + 1) else { return nil }
                let at = UnsafeRawPointer(hit) - base - anchor
                if needle.withUnsafeBytes({ pattern in pattern.baseAddress.map { memcmp(base + at, $0, needle.count) == 0 } ?? false }) {
                    return haystack.startIndex + at
                }
                offset = at + anchor + 1
            }
            return nil
        }
    }

    /// One pass over the document; `output` is built only once a change is needed.
    private struct Scanner {
        let bytes: [UInt8]
        let declared: Set<String>
        var output: [UInt8] = []
        var copied = 0
        var changed = false
        var entitiesReplaced = 0
        var ampersandsEscaped = 0
        var cdataClosed = 0
        /// The lifted texts and where each is in `lifted` (see `Repaired`).
        var lifted: [UInt8] = []
        var pieces: [Range<Int>] = []
        /// Ampersands before this index are not tried for lifting (their run was refused).
        var liftFrom = 0
        /// The last search for `]]>`: from where, and what it found (nil: none to the end). Any
        /// later search from within that span has the same answer, which keeps a document full
        /// of unclosed sections linear (found by fuzzing).
        var endSearch: (from: Int, found: Int?)?

        /// Where scanning starts: after the DOCTYPE, if any.
        let start: Int

        init(bytes: [UInt8], declared: Set<String>, start: Int) {
            self.bytes = bytes
            self.declared = declared
            self.start = start
        }

        static let cdataOpen = Array("<![CDATA[".utf8)
        static let cdataEnd = Array("]]>".utf8)
        static let commentOpen = Array("<!--".utf8)
        static let commentEnd = Array("-->".utf8)

        /// Returns whether anything changed.
        mutating func run() -> Bool {
            var position = start
            let n = bytes.count
            var nextCDATA = XMLRepair.firstIndex(of: Self.cdataOpen, in: bytes[position...])
            var nextComment = XMLRepair.firstIndex(of: Self.commentOpen, in: bytes[position...])
            while position < n {
                guard let amp = next(UInt8(ascii: "&"), from: position, to: n) else { break }
                if let comment = nextComment, comment < amp, nextCDATA.map({ comment < $0 }) ?? true {
                    position = (XMLRepair.firstIndex(of: Self.commentEnd, in: bytes[(comment + 4)...]) ?? n - 3) + 3
                    nextComment = XMLRepair.firstIndex(of: Self.commentOpen, in: bytes[min(position, n)...])
                    continue
                }
                if let cdata = nextCDATA, cdata < amp {
                    position = skipCDATA(at: cdata)
                    nextCDATA = position < n ? XMLRepair.firstIndex(of: Self.cdataOpen, in: bytes[position...]) : nil
                    if let c = nextComment, c < position {
                        nextComment = XMLRepair.firstIndex(of: Self.commentOpen, in: bytes[min(position, n)...])
                    }
                    continue
                }
                if amp >= liftFrom, let next = liftText(around: amp) {
                    position = next
                    continue
                }
                position = fixReference(at: amp)
            }
            // CDATA sections after the last ampersand still need their ends checked.
            while let cdata = nextCDATA {
                position = skipCDATA(at: cdata)
                nextCDATA = position < n ? XMLRepair.firstIndex(of: Self.cdataOpen, in: bytes[position...]) : nil
            }
            guard changed else { return false }
            output.append(contentsOf: bytes[copied...])
            return true
        }

        /// Copies the unchanged bytes up to `index`, then `replacement` in place of `length` bytes.
        private mutating func replace(at index: Int, length: Int, with replacement: some Sequence<UInt8>) {
            if !changed {
                changed = true
                output.reserveCapacity(bytes.count + 1024)
            }
            output.append(contentsOf: bytes[copied..<index])
            output.append(contentsOf: replacement)
            copied = index + length
        }

        /// What the reference (or bare ampersand) at an `&` is.
        enum Reference {
            /// One XML itself defines (amp, lt, gt, quot, apos): its character.
            case predefined(UInt8)
            /// A numeric reference to a character XML allows.
            case character(Unicode.Scalar)
            /// `&#128;`-`&#159;`, which HTML reads as windows-1252: the characters meant.
            case windows1252(String)
            /// A reference to a character XML forbids (a fatal error in libxml2): dropped.
            case forbidden
            /// An HTML named entity XML does not define: its characters.
            case html(String)
            /// An entity the document's DTD declares: libxml2's to expand.
            case declared
            /// An `&` that starts no reference: text.
            case bare
        }

        /// The reference at `amp` (which holds `&`) and its length (1 for a bare `&`).
        private func reference(at amp: Int) -> (Reference, Int) {
            if let (character, length) = CharacterReference.markup(bytes, at: amp) { return (.predefined(character), length) }
            guard let (token, length) = CharacterReference.scan(bytes, at: amp, syntax: .xml) else { return (.bare, 1) }
            switch token {
            case .number(let value):
                // The XML syntax reads at most eight digits: the value always fits.
                let value = value ?? UInt32.max
                if let characters = CharacterReference.windows1252(value) { return (.windows1252(characters), length) }
                guard Self.isXMLChar(value), let scalar = Unicode.Scalar(value) else { return (.forbidden, length) }
                return (.character(scalar), length)
            case .name(let name):
                if let character = Self.predefined(bytes[name]) { return (.predefined(character), length) }
                if !declared.isEmpty, declared.contains(String(decoding: bytes[name], as: UTF8.self)) { return (.declared, length) }
                if let characters = CharacterReference.named(bytes[name]) { return (.html(characters), length) }
                return (.bare, 1)
            }
        }

        /// Mends the `&` at `amp` for libxml2; returns where scanning goes on.
        private mutating func fixReference(at amp: Int) -> Int {
            let (reference, length) = reference(at: amp)
            switch reference {
            case .predefined, .declared: break
            case .character(let scalar):
                // XML wants a lower-case x.
                if bytes[amp + 1] == UInt8(ascii: "#"), bytes[amp + 2] == UInt8(ascii: "X") {
                    replace(at: amp, length: length, with: Array("&#x\(String(scalar.value, radix: 16));".utf8))
                }
            case .windows1252(let characters):
                replace(at: amp, length: length, with: Self.hexReferences(characters))
            case .forbidden:
                replace(at: amp, length: length, with: [])
            case .html(let characters):
                replace(at: amp, length: length, with: Self.hexReferences(characters))
                entitiesReplaced += 1
            case .bare:
                replace(at: amp, length: 1, with: Array("&amp;".utf8))
                ampersandsEscaped += 1
            }
            return amp + length
        }

        static func hexReferences(_ characters: String) -> [UInt8] {
            Array(characters.unicodeScalars.map { "&#x\(String($0.value, radix: 16));" }.joined().utf8)
        }

        /// Lifts out the run of character data around the `&` at `amp`, its references decoded,
        /// when it plainly is character data: it follows the `>` that ends a start or end tag and
        /// runs to the next `<`. Returns where scanning goes on, or nil to leave the run to
        /// libxml2 (and the ampersands up to its end to `fixReference`).
        private mutating func liftText(around amp: Int) -> Int? {
            guard let runEnd = next(UInt8(ascii: "<"), from: amp, to: bytes.count) else {
                liftFrom = bytes.count
                return nil
            }
            liftFrom = runEnd
            // `]]>` in text is an error for libxml2 to report; carriage returns need XML's
            // line-end handling. Both are rare: such runs stay in the document.
            guard let runStart = textStart(before: amp), runStart >= copied,
                next(UInt8(ascii: "\r"), from: runStart, to: runEnd) == nil,
                XMLRepair.firstIndex(of: Self.cdataEnd, in: bytes[runStart..<runEnd]) == nil
            else { return nil }
            if lifted.capacity == 0 { lifted.reserveCapacity(bytes.count) }
            let mark = lifted.count
            let source = bytes
            // The references decoded (HTML entities, bare ampersands), or nil at an entity the DTD declares.
            let counts = source.withUnsafeBufferPointer { src -> (entities: Int, ampersands: Int)? in
                guard let raw = UnsafeRawPointer(src.baseAddress) else { return nil }
                var counts = (entities: 0, ampersands: 0)
                var done = runStart
                var i = amp
                while i < runEnd {
                    if i + 8 <= runEnd {
                        let skip = UTF8Text.firstToStop(UTF8Text.word(raw, i), escape: false)
                        i += skip
                        if skip == 8 { continue }
                    }
                    guard src[i] == UInt8(ascii: "&") else {
                        i += 1
                        continue
                    }
                    if i > done { lifted.append(contentsOf: UnsafeBufferPointer(rebasing: src[done..<i])) }
                    if let (character, length) = CharacterReference.markup(src, at: i) {
                        lifted.append(character)
                        i += length
                        done = i
                        continue
                    }
                    let (reference, length) = reference(at: i)
                    switch reference {
                    case .predefined(let character): lifted.append(character)
                    case .character(let scalar): UTF8Text.appendScalar(scalar, escape: false, to: &lifted)
                    case .windows1252(let characters): lifted.append(contentsOf: characters.utf8)
                    case .forbidden: break
                    case .html(let characters):
                        lifted.append(contentsOf: characters.utf8)
                        counts.entities += 1
                    case .declared: return nil
                    case .bare:
                        lifted.append(UInt8(ascii: "&"))
                        counts.ampersands += 1
                    }
                    i += length
                    done = i
                }
                if runEnd > done { lifted.append(contentsOf: UnsafeBufferPointer(rebasing: src[done..<runEnd])) }
                return counts
            }
            guard let counts else {
                lifted.removeSubrange(mark...)
                return nil
            }
            entitiesReplaced += counts.entities
            ampersandsEscaped += counts.ampersands
            placehold(runStart..<runEnd, piece: mark..<lifted.count)
            return runEnd
        }

        /// Where the character data before `index` starts, when the `>` before it ends a start
        /// or end tag (read with its quoted values), else nil.
        private func textStart(before index: Int) -> Int? {
            var close = index - 1
            while close >= start, bytes[close] != UInt8(ascii: ">") {
                if bytes[close] == UInt8(ascii: "<") { return nil }
                close -= 1
            }
            var open = close - 1
            while open >= start, bytes[open] != UInt8(ascii: "<") { open -= 1 }
            guard open >= start, open + 1 < close else { return nil }
            let first = bytes[open + 1]
            guard first == UInt8(ascii: "/") || CharacterReference.isNameByte(first) || first >= 0x80 else { return nil }
            var i = open + 1
            var quote: UInt8 = 0
            while i < close {
                let b = bytes[i]
                if quote != 0 {
                    if b == quote { quote = 0 }
                } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                    quote = b
                } else if b == UInt8(ascii: ">") {
                    return nil
                }
                i += 1
            }
            return quote == 0 ? close + 1 : nil
        }

        /// The first `byte` in `bytes[from..<to]`.
        private func next(_ byte: UInt8, from: Int, to: Int) -> Int? {
            bytes.withUnsafeBufferPointer { UTF8Text.index(of: byte, in: UnsafeBufferPointer(rebasing: $0[..<to]), from: from) }
        }

        /// Lifts out the CDATA section at `start`; one whose `]]>` never comes (or comes only after
        /// another section opens) ends where its parent element closes. Returns where to go on.
        private mutating func skipCDATA(at start: Int) -> Int {
            let bodyStart = start + Self.cdataOpen.count
            let n = bytes.count
            let end = bodyStart <= n ? nextCDATAEnd(from: bodyStart) : nil
            // Another section opening before this one ends means this one was never closed.
            let nextOpen = bodyStart <= n ? XMLRepair.firstIndex(of: Self.cdataOpen, in: bytes[bodyStart..<(end ?? n)]) : nil
            if let end, nextOpen == nil {
                lift(start, body: bodyStart..<end, next: end + Self.cdataEnd.count)
                return end + Self.cdataEnd.count
            }
            let limit = nextOpen ?? n
            var closeAt = limit
            if let parent = enclosingElementName(before: start),
                let close = XMLRepair.firstIndex(of: Array("</\(parent)".utf8), in: bytes[min(bodyStart, n)..<limit])
            {
                closeAt = close
            }
            lift(start, body: min(bodyStart, closeAt)..<closeAt, next: closeAt)
            cdataClosed += 1
            return closeAt
        }

        /// The first `]]>` at or after `start`, remembering the answer for the searches after it.
        private mutating func nextCDATAEnd(from start: Int) -> Int? {
            if let last = endSearch, start >= last.from, start <= (last.found ?? Int.max) { return last.found }
            let found = XMLRepair.firstIndex(of: Self.cdataEnd, in: bytes[start...])
            endSearch = (start, found)
            return found
        }

        /// Replaces the section from `start` to `next` with the placeholder for `body`.
        private mutating func lift(_ start: Int, body: Range<Int>, next: Int) {
            if lifted.capacity == 0 { lifted.reserveCapacity(bytes.count) }
            let mark = lifted.count
            lifted.append(contentsOf: bytes[body])
            placehold(start..<next, piece: mark..<lifted.count)
        }

        /// Replaces `range` of the document with the placeholder for the lifted text `piece`.
        private mutating func placehold(_ range: Range<Int>, piece: Range<Int>) {
            // The line breaks stay in the placeholder, so libxml2 still counts lines right.
            let lines = bytes.withUnsafeBufferPointer { UTF8Text.count(of: 0x0A, in: $0, from: range.lowerBound, to: range.upperBound) }
            var placeholder = XMLRepair.placeholderOpen
            placeholder.append(contentsOf: String(pieces.count).utf8)
            placeholder.append(contentsOf: repeatElement(0x0A, count: lines))
            placeholder.append(contentsOf: XMLRepair.placeholderClose)
            pieces.append(piece)
            replace(at: range.lowerBound, length: range.count, with: placeholder)
        }

        private func enclosingElementName(before index: Int) -> String? {
            var i = index - 1
            while i >= 0, bytes[i] != UInt8(ascii: "<") { i -= 1 }
            guard i >= 0, i + 1 < index, CharacterReference.isNameByte(bytes[i + 1]) || bytes[i + 1] >= 0x80 else { return nil }
            var j = i + 1
            while j < index, !Whitespace.isXMLSpace(bytes[j]), bytes[j] != UInt8(ascii: ">"), bytes[j] != UInt8(ascii: "/") { j += 1 }
            return String(decoding: bytes[(i + 1)..<j], as: UTF8.self)
        }

        /// The character of amp, lt, gt, quot or apos, the references XML itself defines.
        static func predefined(_ name: ArraySlice<UInt8>) -> UInt8? {
            let i = name.startIndex
            switch name.count {
            case 2 where name[i + 1] == UInt8(ascii: "t"):
                if name[i] == UInt8(ascii: "l") { return UInt8(ascii: "<") }
                return name[i] == UInt8(ascii: "g") ? UInt8(ascii: ">") : nil
            case 3 where name[i] == UInt8(ascii: "a") && name[i + 1] == UInt8(ascii: "m") && name[i + 2] == UInt8(ascii: "p"):
                return UInt8(ascii: "&")
            case 4:
                switch (name[i], name[i + 1], name[i + 2], name[i + 3]) {
                case (0x71, 0x75, 0x6F, 0x74): return UInt8(ascii: "\"")  // quot
                case (0x61, 0x70, 0x6F, 0x73): return UInt8(ascii: "'")  // apos
                default: return nil
                }
            default: return nil
            }
        }

        static func isXMLChar(_ v: UInt32) -> Bool {
            v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v)
                || (0x10000...0x10FFFF).contains(v)
        }
    }
}
