import NewsdeskBase

extension XMLRepair {
    /// One pass over the document; `output` is built only once a change is needed.
    struct Scanner {
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
        /// of unclosed sections linear.
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
            var nextCDATA = ByteScan.firstIndex(of: Self.cdataOpen, in: bytes[position...])
            var nextComment = ByteScan.firstIndex(of: Self.commentOpen, in: bytes[position...])
            while position < n {
                guard let amp = next(UInt8(ascii: "&"), from: position, to: n) else { break }
                if let comment = nextComment, comment < amp, nextCDATA.map({ comment < $0 }) ?? true {
                    position = (ByteScan.firstIndex(of: Self.commentEnd, in: bytes[(comment + 4)...]) ?? n - 3) + 3
                    nextComment = ByteScan.firstIndex(of: Self.commentOpen, in: bytes[min(position, n)...])
                    continue
                }
                if let cdata = nextCDATA, cdata < amp {
                    position = skipCDATA(at: cdata)
                    nextCDATA = position < n ? ByteScan.firstIndex(of: Self.cdataOpen, in: bytes[position...]) : nil
                    if let c = nextComment, c < position {
                        nextComment = ByteScan.firstIndex(of: Self.commentOpen, in: bytes[min(position, n)...])
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
                nextCDATA = position < n ? ByteScan.firstIndex(of: Self.cdataOpen, in: bytes[position...]) : nil
            }
            guard changed else { return false }
            output.append(contentsOf: bytes[copied...])
            return true
        }

        /// Copies the unchanged bytes up to `index`, then `replacement` in place of `length` bytes.
        mutating func replace(at index: Int, length: Int, with replacement: some Sequence<UInt8>) {
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
        func reference(at amp: Int) -> (Reference, Int) {
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
        mutating func fixReference(at amp: Int) -> Int {
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

        /// Where the character data before `index` starts, when the `>` before it ends a start
        /// or end tag (read with its quoted values), else nil.
        func textStart(before index: Int) -> Int? {
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
        func next(_ byte: UInt8, from: Int, to: Int) -> Int? {
            bytes.withUnsafeBufferPointer { ByteScan.index(of: byte, in: UnsafeBufferPointer(rebasing: $0[..<to]), from: from) }
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
