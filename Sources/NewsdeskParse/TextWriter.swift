import NewsdeskBase

/// Collects the plain text of HTML, white space folded as it comes in, until it holds more than
/// `limit` characters (counted as UTF-8 lead bytes; a negative limit gathers nothing). Text past
/// that is never decoded or copied: an excerpt of a long article reads only its start.
struct TextWriter: HTMLTokenSink, ~Copyable {
    let limit: Int
    /// Runs of white space are one space, none leads; one may trail (see `withFolded`).
    private var text: ByteBuffer
    private var count = 0
    /// Set once text had to be left out for the limit.
    private(set) var unread = false

    init(limit: Int) {
        self.limit = limit
        // Room for the limit's worth of text in a few chunks, so the buffer grows once at most.
        text = ByteBuffer(capacity: limit < 0 ? 0 : limit < 4096 ? 2 * limit + 64 : 1024)
    }

    /// Full once a character past the limit was seen. A space past it is not enough: only the
    /// next word tells whether text was left out.
    var isFull: Bool { unread || (count > limit && text.last != 0x20) }
    /// Runs `body` over the text without its trailing space.
    func withFolded<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        text.withBytes { body(UnsafeBufferPointer(rebasing: $0[..<($0.last == 0x20 ? $0.count - 1 : $0.count)])) }
    }
    /// The text cut to `limit` characters at a word, with an ellipsis when text was left out.
    var excerpt: String { withFolded { HTMLSanitizer.cutExcerpt($0, unread: unread, limit: limit) } }

    mutating func text(_ piece: UnsafeBufferPointer<UInt8>) { append(piece, decode: true) }

    mutating func startTag(_ tag: HTMLName?, attributes: [HTMLTokenizer.Attribute], selfClosing: Bool) {
        if tag?.flags.contains(.inline) != true { separate() }
    }

    mutating func endTag(_ tag: HTMLName?) {
        if tag?.flags.contains(.inline) != true { separate() }
    }

    /// A tag that is not inline separates words.
    private mutating func separate() {
        guard let last = text.last, last != 0x20, count <= limit else { return }
        text.append(0x20)
        count += 1
    }

    /// Appends `piece` (with its character references decoded when `decode`), a chunk at a time
    /// so that a long text is decoded only as far as the limit needs.
    mutating func append(_ piece: UnsafeBufferPointer<UInt8>, decode: Bool) {
        var rest = piece
        while !rest.isEmpty {
            guard !isFull else {
                unread = true
                return
            }
            // A byte per character still wanted (and a little more): ASCII text fills the
            // excerpt in one chunk; text with longer characters takes a few.
            let room = limit >= Int.max / 8 ? rest.count : (limit + 1 - count) + 16
            let chunk = Self.prefix(of: rest, upTo: room)
            let start = text.count
            if decode { UTF8Text.appendDecoded(chunk, escape: false, to: &text) } else { text.append(contentsOf: chunk) }
            foldTail(from: start)
            rest = UnsafeBufferPointer(rebasing: rest[chunk.count...])
        }
    }

    /// At most `room` bytes of `bytes` (at least one), ending neither inside a UTF-8 sequence nor
    /// inside a character reference.
    private static func prefix(of bytes: UnsafeBufferPointer<UInt8>, upTo room: Int) -> UnsafeBufferPointer<UInt8> {
        guard bytes.count > room else { return bytes }
        var end = max(1, room)
        while end > 1, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        if let amp = (max(1, end - 40)..<end).last(where: { bytes[$0] == UInt8(ascii: "&") }),
            !bytes[amp..<end].contains(UInt8(ascii: ";"))
        {
            end = amp
        }
        return UnsafeBufferPointer(rebasing: bytes[..<end])
    }

    /// Folds the white space of `text[start...]` in place and counts its characters, dropping
    /// what comes after the character that fills the text.
    private mutating func foldTail(from start: Int) {
        let n = text.count
        let limit = limit
        var count = count
        var write = start
        var stopped = false
        text.withMutableBytes { bytes in
            var read = start
            while read < n {
                // Eight bytes at a time while nothing moves and nothing folds: printable ASCII
                // or single spaces after text, all of which count and stay where they are. Tried
                // only from an ASCII byte, so that text in other scripts does not pay for it.
                if bytes[read] < 0x80, write == read, write > 0, read + 8 <= n, count + 8 <= limit,
                    ByteScan.foldsNothing(UnsafeBufferPointer(bytes), at: read, after: bytes[read - 1])
                {
                    read += 8
                    write += 8
                    count += 8
                    continue
                }
                let b = bytes[read]
                // Printable ASCII, most of most text, skips the white-space test.
                let space = b &- 0x21 < 0x5E ? 0 : Whitespace.spaceLength(UnsafeBufferPointer(bytes), at: read)
                if space > 0 {
                    // Written at most once per run, never before its first byte has been read.
                    if write > 0, bytes[write - 1] != 0x20 {
                        bytes[write] = 0x20
                        write += 1
                        count += 1
                    }
                    read += space
                    continue
                }
                if b & 0xC0 != 0x80 {
                    if count > limit {
                        stopped = true
                        break
                    }
                    count += 1
                }
                bytes[write] = b
                write += 1
                read += 1
            }
        }
        self.count = count
        text.removeLast(n - write)
        if stopped { unread = true }
    }
}
