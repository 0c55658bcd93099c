import NewsdeskBase

/// Lifting text out of the document: CDATA sections and runs of character data with references.
extension XMLRepair.Scanner {
    /// Lifts out the run of character data around the `&` at `amp`, its references decoded,
    /// when it plainly is character data: it follows the `>` that ends a start or end tag and
    /// runs to the next `<`. Returns where scanning goes on, or nil to leave the run to
    /// libxml2 (and the ampersands up to its end to `fixReference`).
    mutating func liftText(around amp: Int) -> Int? {
        guard let runEnd = next(UInt8(ascii: "<"), from: amp, to: bytes.count) else {
            liftFrom = bytes.count
            return nil
        }
        liftFrom = runEnd
        // `]]>` in text is an error for libxml2 to report; carriage returns need XML's
        // line-end handling. Both are rare: such runs stay in the document.
        guard let runStart = textStart(before: amp), runStart >= copied,
            next(UInt8(ascii: "\r"), from: runStart, to: runEnd) == nil,
            ByteScan.firstIndex(of: Self.cdataEnd, in: bytes[runStart..<runEnd]) == nil
        else { return nil }
        if lifted.capacity == 0 { lifted.reserveCapacity(bytes.count) }
        let mark = lifted.count
        let source = bytes
        // The references decoded (HTML entities, bare ampersands), or nil at an entity the DTD declares.
        let counts = source.withUnsafeBufferPointer { src -> (entities: Int, ampersands: Int)? in
            let run = UnsafeBufferPointer(rebasing: src[..<runEnd])
            var counts = (entities: 0, ampersands: 0)
            var done = runStart
            var i = amp
            while i < runEnd {
                if i > done { lifted.append(contentsOf: UnsafeBufferPointer(rebasing: src[done..<i])) }
                if let (character, length) = CharacterReference.markup(src, at: i) {
                    lifted.append(character)
                    i += length
                    done = i
                    i = ByteScan.nextMarkup(in: run, from: i, escape: false)
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
                i = ByteScan.nextMarkup(in: run, from: i, escape: false)
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

    /// Lifts out the CDATA section at `start`; one whose `]]>` never comes (or comes only after
    /// another section opens) ends where its parent element closes. Returns where to go on.
    mutating func skipCDATA(at start: Int) -> Int {
        let bodyStart = start + Self.cdataOpen.count
        let n = bytes.count
        let end = bodyStart <= n ? nextCDATAEnd(from: bodyStart) : nil
        // Another section opening before this one ends means this one was never closed.
        let nextOpen = bodyStart <= n ? ByteScan.firstIndex(of: Self.cdataOpen, in: bytes[bodyStart..<(end ?? n)]) : nil
        if let end, nextOpen == nil {
            lift(start, body: bodyStart..<end, next: end + Self.cdataEnd.count)
            return end + Self.cdataEnd.count
        }
        let limit = nextOpen ?? n
        var closeAt = limit
        if let parent = enclosingElementName(before: start),
            let close = ByteScan.firstIndex(of: Array("</\(parent)".utf8), in: bytes[min(bodyStart, n)..<limit])
        {
            closeAt = close
        }
        lift(start, body: min(bodyStart, closeAt)..<closeAt, next: closeAt)
        cdataClosed += 1
        return closeAt
    }

    /// The first `]]>` at or after `start`, remembering the answer for the searches after it.
    mutating func nextCDATAEnd(from start: Int) -> Int? {
        if let last = endSearch, start >= last.from, start <= (last.found ?? Int.max) { return last.found }
        let found = ByteScan.firstIndex(of: Self.cdataEnd, in: bytes[start...])
        endSearch = (start, found)
        return found
    }

    /// Replaces the section from `start` to `next` with the placeholder for `body`.
    mutating func lift(_ start: Int, body: Range<Int>, next: Int) {
        if lifted.capacity == 0 { lifted.reserveCapacity(bytes.count) }
        let mark = lifted.count
        lifted.append(contentsOf: bytes[body])
        placehold(start..<next, piece: mark..<lifted.count)
    }

    /// Replaces `range` of the document with the placeholder for the lifted text `piece`.
    mutating func placehold(_ range: Range<Int>, piece: Range<Int>) {
        // The line breaks stay in the placeholder, so libxml2 still counts lines right.
        let lines = bytes.withUnsafeBufferPointer { ByteScan.count(of: 0x0A, in: $0, from: range.lowerBound, to: range.upperBound) }
        var placeholder = XMLRepair.placeholderOpen
        placeholder.append(contentsOf: String(pieces.count).utf8)
        placeholder.append(contentsOf: repeatElement(0x0A, count: lines))
        placeholder.append(contentsOf: XMLRepair.placeholderClose)
        pieces.append(piece)
        replace(at: range.lowerBound, length: range.count, with: placeholder)
    }

    func enclosingElementName(before index: Int) -> String? {
        var i = index - 1
        while i >= 0, bytes[i] != UInt8(ascii: "<") { i -= 1 }
        guard i >= 0, i + 1 < index, CharacterReference.isNameByte(bytes[i + 1]) || bytes[i + 1] >= 0x80 else { return nil }
        var j = i + 1
        while j < index, !Whitespace.isXMLSpace(bytes[j]), bytes[j] != UInt8(ascii: ">"), bytes[j] != UInt8(ascii: "/") { j += 1 }
        return String(decoding: bytes[(i + 1)..<j], as: UTF8.self)
    }
}
