import NewsdeskBase

/// Receives tokens from `HTMLTokenizer`. Tags and attributes come as entries of
/// `HTMLVocabulary` (nil for names it does not know); byte buffers are valid only during the call.
protocol HTMLTokenSink: ~Copyable {
    mutating func text(_ text: UnsafeBufferPointer<UInt8>)
    mutating func startTag(_ tag: HTMLName?, attributes: [HTMLTokenizer.Attribute], selfClosing: Bool)
    mutating func endTag(_ tag: HTMLName?)
    /// Whether the sink has all it wants; the tokenizer then stops.
    var isFull: Bool { get }
}

extension HTMLTokenSink where Self: ~Copyable {
    var isFull: Bool { false }
}

/// Splits HTML (UTF-8 bytes) into text, start tags and end tags; comments, doctypes and
/// processing instructions vanish, and the content of script-like elements (those
/// `HTMLVocabulary` marks `droppedWithContent`) is skipped whole.
enum HTMLTokenizer {
    struct Attribute {
        var name: HTMLName?
        var value: UnsafeBufferPointer<UInt8>
    }

    typealias Bytes = UnsafeBufferPointer<UInt8>

    static func run<Sink: HTMLTokenSink & ~Copyable>(_ bytes: Bytes, into sink: inout Sink) {
        let n = bytes.count
        var i = 0
        var attributes: [Attribute] = []
        // Read once: each use of a static table would check its one-time initialization.
        let tags = HTMLVocabulary.tags
        let attributeNames = HTMLVocabulary.attributes
        while i < n, !sink.isFull {
            guard let lt = ByteScan.index(of: UInt8(ascii: "<"), in: bytes, from: i) else {
                sink.text(slice(bytes, i, n))
                return
            }
            if lt > i { sink.text(slice(bytes, i, lt)) }
            guard lt + 1 < n else {
                sink.text(slice(bytes, lt, n))
                return
            }
            let first = bytes[lt + 1]
            if first == UInt8(ascii: "!") || first == UInt8(ascii: "?") {
                i = skipDeclaration(bytes, from: lt + 1)
            } else if first == UInt8(ascii: "/") {
                let nameStart = lt + 2
                let close = ByteScan.index(of: UInt8(ascii: ">"), in: bytes, from: nameStart) ?? n
                if nameStart < n, isLetter(bytes[nameStart]) {
                    var nameEnd = nameStart
                    while nameEnd < close, !Whitespace.isASCIISpace(bytes[nameEnd]), bytes[nameEnd] != UInt8(ascii: "/") { nameEnd += 1 }
                    sink.endTag(tags.lookup(slice(bytes, nameStart, nameEnd)))
                }
                i = min(n, close + 1)
            } else if isLetter(first) {
                attributes.removeAll(keepingCapacity: true)
                let (tag, selfClosing, next) = parseTag(
                    bytes, from: lt + 1, tags: tags, attributeNames: attributeNames, attributes: &attributes)
                if let tag, tag.flags.contains(.droppedWithContent), !selfClosing {
                    i = skipRawText(bytes, from: next, closing: tags.spelling(tag.id))
                } else {
                    sink.startTag(tag, attributes: attributes, selfClosing: selfClosing)
                    i = next
                }
            } else {
                sink.text(slice(bytes, lt, lt + 1))
                i = lt + 1
            }
        }
    }

    @inline(__always)
    private static func slice(_ bytes: Bytes, _ start: Int, _ end: Int) -> Bytes {
        UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    @inline(__always)
    private static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }

    private static func skipDeclaration(_ bytes: Bytes, from start: Int) -> Int {
        let n = bytes.count
        if start + 2 < n, bytes[start + 1] == UInt8(ascii: "-"), bytes[start + 2] == UInt8(ascii: "-") {
            var i = start + 3
            while let dash = ByteScan.index(of: UInt8(ascii: "-"), in: bytes, from: i) {
                if dash + 2 < n, bytes[dash + 1] == UInt8(ascii: "-"), bytes[dash + 2] == UInt8(ascii: ">") { return dash + 3 }
                i = dash + 1
            }
            return n
        }
        return (ByteScan.index(of: UInt8(ascii: ">"), in: bytes, from: start) ?? n - 1) + 1
    }

    /// Where the text after `</name>` starts (the end when it never closes).
    private static func skipRawText(_ bytes: Bytes, from start: Int, closing nameBytes: [UInt8]) -> Int {
        let n = bytes.count
        var i = start
        while let lt = ByteScan.index(of: UInt8(ascii: "<"), in: bytes, from: i) {
            let candidate = lt + 2
            if candidate + nameBytes.count <= n, bytes[lt + 1] == UInt8(ascii: "/"),
                (0..<nameBytes.count).allSatisfy({ (bytes[candidate + $0] | 0x20) == nameBytes[$0] })
            {
                return min(n, (ByteScan.index(of: UInt8(ascii: ">"), in: bytes, from: candidate) ?? n - 1) + 1)
            }
            i = lt + 1
        }
        return n
    }

    /// Reads `name attr="v" attr2=v2 flag>` from just after the `<`; returns where text resumes.
    private static func parseTag(
        _ bytes: Bytes, from start: Int, tags: HTMLNameTable, attributeNames: HTMLNameTable, attributes: inout [Attribute]
    ) -> (HTMLName?, Bool, Int) {
        let n = bytes.count
        var i = start
        while i < n, !Whitespace.isASCIISpace(bytes[i]), bytes[i] != UInt8(ascii: ">"), bytes[i] != UInt8(ascii: "/") { i += 1 }
        let name = tags.lookup(slice(bytes, start, i))
        var selfClosing = false
        while i < n {
            let c = bytes[i]
            if c == UInt8(ascii: ">") { return (name, selfClosing, i + 1) }
            if Whitespace.isASCIISpace(c) || c == UInt8(ascii: "/") {
                selfClosing = c == UInt8(ascii: "/")
                i += 1
                continue
            }
            selfClosing = false
            let nameStart = i
            i += 1
            while i < n, !Whitespace.isASCIISpace(bytes[i]), bytes[i] != UInt8(ascii: "="), bytes[i] != UInt8(ascii: ">"),
                bytes[i] != UInt8(ascii: "/")
            { i += 1 }
            let attributeName = attributeNames.lookup(slice(bytes, nameStart, i))
            while i < n, Whitespace.isASCIISpace(bytes[i]) { i += 1 }
            var value = slice(bytes, i, i)
            if i < n, bytes[i] == UInt8(ascii: "=") {
                i += 1
                while i < n, Whitespace.isASCIISpace(bytes[i]) { i += 1 }
                if i < n, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") {
                    let quote = bytes[i]
                    let valueEnd = ByteScan.index(of: quote, in: bytes, from: i + 1) ?? n
                    value = slice(bytes, i + 1, valueEnd)
                    i = min(n, valueEnd + 1)
                } else {
                    let valueStart = i
                    while i < n, !Whitespace.isASCIISpace(bytes[i]), bytes[i] != UInt8(ascii: ">") { i += 1 }
                    value = slice(bytes, valueStart, i)
                }
            }
            attributes.append(Attribute(name: attributeName, value: value))
        }
        return (name, selfClosing, n)
    }
}
