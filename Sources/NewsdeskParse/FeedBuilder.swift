import Foundation
import NewsdeskBase

/// Turns the SAX events of any RSS or Atom dialect into a `RawFeed`.
///
/// Keeps a stack of open elements (with the xml:base in force at each) and captures the text of
/// the elements it knows, by where they stand: a `title` in an item is the item's title, in an
/// RSS `image` it is not. An item joins the feed when its end tag is seen, so a truncated
/// document yields its complete items; the one item it ends inside joins it too, through
/// `keepCutOffItem`, when the cut fell in its text after its title and identity.
///
/// Its state is touched on every SAX event, from one thread and never reentrantly: the
/// properties read at every event opt out of Swift's dynamic exclusivity checks
/// (`@exclusivity(unchecked)`), which would otherwise run at each access.
final class FeedBuilder: XMLEventSink {
    @exclusivity(unchecked) var feed = RawFeed()
    private(set) var rootName: String?
    /// A cap on one element's text; beyond it the rest is dropped (a 50 MB text node stays bounded).
    let maxFieldBytes: Int
    private(set) var truncatedFields = 0

    /// The element whose text is being collected (into `buffer`), and where it goes.
    struct Capture {
        var target: Target
        var kind: TextKind
        var depth: Int
        var base: URL?
        /// Atom content that is base64 (0.3's `mode="base64"`, 1.0's non-text media types).
        var base64 = false
    }

    enum Target {
        case feedTitle, feedSubtitle, feedLink, feedLanguage, feedUpdated, feedTTL, feedImageURL
        case title, guid, link, published, updated, author, authorName, category, summary, content
        case mediaTitle, mediaDescription, comments, commentCount, duration
    }

    /// The open elements, innermost last.
    @exclusivity(unchecked) private var stack: [FeedElement] = []
    /// The xml:base in force and the depth it was set at, innermost last.
    @exclusivity(unchecked) private var bases: [(depth: Int, url: URL?)] = []
    @exclusivity(unchecked) private var capture: Capture?
    /// The text of the capture, kept apart from it so that appending never copies.
    @exclusivity(unchecked) private var buffer: [UInt8] = []
    /// The lifted piece that is, so far, the whole text of the capture (escaped HTML or CDATA
    /// alone in its element, the common case): used where it lies, not copied into `buffer`.
    @exclusivity(unchecked) private var wholePiece: Int?
    @exclusivity(unchecked) var item: RawItem?
    @exclusivity(unchecked) private(set) var itemDepth = 0
    /// Depth of an Atom author/contributor element being read, and the name found in it.
    @exclusivity(unchecked) var authorDepth: Int?
    /// A `<feed>` root in no namespace: its children are read as Atom.
    private var atomWithoutNamespace = false

    /// The text `XMLRepair` lifted out of the document, by placeholder number.
    private let lifted: [UInt8]
    private let pieces: [Range<Int>]

    init(documentURL: URL?, lifted repaired: XMLRepair.Repaired? = nil, maxFieldBytes: Int = 4 << 20) {
        self.maxFieldBytes = maxFieldBytes
        self.lifted = repaired?.lifted ?? []
        self.pieces = repaired?.pieces ?? []
        stack.reserveCapacity(64)
        stack.append(.other)
        bases.append((0, documentURL))
    }

    // MARK: XMLEventSink

    func startElement(_ name: XMLName, attributes: XMLAttributes) -> Bool {
        start(name, attributes: attributes)
        return capture != nil
    }

    func endElement(_ name: XMLName) -> Bool {
        end(name)
        return capture != nil
    }

    private func start(_ name: XMLName, attributes: XMLAttributes) {
        let name = asAtomIfUnqualified(name)
        let parent = stack[stack.count - 1]
        stack.append(name.element)
        let depth = stack.count
        var base = bases[bases.count - 1].url
        if !attributes.isEmpty, let xmlBase = attributes["base", namespace: .xml] {
            base = LinkResolver.base(xmlBase, against: base) ?? base
            bases.append((depth, base))
        }

        // The capture's fields are read where they lie: copying it would retain its base URL.
        if let kind = capture?.kind, let captureDepth = capture?.depth {
            if keepsMarkup(kind, captureDepth: captureDepth, name: name, depth: depth), buffer.count < maxFieldBytes {
                copyWholePiece()
                buffer.append(UInt8(ascii: "<"))
                buffer.append(contentsOf: name.local.utf8)
                attributes.serialize(into: &buffer)
                buffer.append(UInt8(ascii: ">"))
            }
            return
        }
        if feed.format == nil {
            // The first feed element is the feed, even inside something else (an HTML page).
            if rootName == nil { rootName = name.local }
            feed.format = Self.format(of: name, attributes: attributes)
            if feed.format != nil { feed.rootLanguage = attributes["lang", namespace: .xml] }
            atomWithoutNamespace = name.namespace == .none && name.local == "feed"
            return
        }
        if item == nil {
            if name.element == .item || name.element == .entry {
                item = RawItem(base: base)
                itemDepth = depth
                if let about = attributes["about", namespace: .rdf] { item?.about = about }
            } else {
                startChannelElement(name, parent: parent, attributes: attributes, base: base, depth: depth)
            }
            return
        }
        startItemElement(name, parent: parent, attributes: attributes, base: base, depth: depth)
    }

    private func end(_ name: XMLName) {
        // libxml2 pairs every end with a start; never let a stray one pop the root sentinel.
        guard stack.count > 1 else { return }
        let name = asAtomIfUnqualified(name)
        let depth = stack.count
        defer {
            stack.removeLast()
            if bases[bases.count - 1].depth == depth { bases.removeLast() }
        }
        if let kind = capture?.kind, let captureDepth = capture?.depth {
            if depth > captureDepth {
                if keepsMarkup(kind, captureDepth: captureDepth, name: name, depth: depth), buffer.count < maxFieldBytes {
                    copyWholePiece()
                    UTF8Text.append("</", to: &buffer)
                    buffer.append(contentsOf: name.local.utf8)
                    buffer.append(UInt8(ascii: ">"))
                }
                return
            }
            if let active = capture.take() { finish(active) }
        }
        if depth == authorDepth { authorDepth = nil }
        if depth == itemDepth, item != nil {
            itemDepth = 0
            if item?.guid == nil, let about = item?.about { item?.guid = about }
            // Moved out, not copied: a copy retains every field and the release frees them again.
            if let finished = item.take() { feed.items.append(finished) }
        }
    }

    /// Keeps the item a document cut off, called once the parse reached the end of the input:
    /// when the cut fell inside the item's summary or content, after its title and its identity
    /// (a guid, an `rdf:about` or an alternate link) had closed, it joins the feed with the text
    /// that arrived, marked `cutOff`. Cut anywhere else (inside its title, link, guid or a date,
    /// between two of its elements, inside the start tag of one) it is dropped, as before: part of a title or of a
    /// link is worse than none, and nothing says how much of the item is missing.
    /// Returns whether an item was kept.
    func keepCutOffItem() -> Bool {
        guard let open = item, let active = capture else { return false }
        let body: String
        switch active.target {
        case .summary: body = "summary"
        case .content: body = "content"
        case .mediaDescription: body = "media description"
        default: return false
        }
        let identified = open.guid != nil || open.about != nil || open.links.contains { $0.rel == "alternate" }
        guard open.title != nil || open.mediaTitle != nil, identified else { return false }
        capture = nil
        finish(active)
        item?.cutOff = body
        if item?.guid == nil, let about = item?.about { item?.guid = about }
        if let kept = item.take() { feed.items.append(kept) }
        return true
    }

    /// In a `<feed>` root with no namespace, unqualified names are Atom's.
    private func asAtomIfUnqualified(_ name: XMLName) -> XMLName {
        guard atomWithoutNamespace, name.namespace == .none else { return name }
        return XMLName(namespace: feed.format == .atom03 ? .atom03 : .atom10, local: name.local)
    }

    /// Whether a tag inside the captured element is kept as markup: in HTML and XHTML text, but
    /// for the wrapper div of Atom xhtml, which is not content.
    private func keepsMarkup(_ kind: TextKind, captureDepth: Int, name: XMLName, depth: Int) -> Bool {
        switch kind {
        case .text: false
        case .html: true
        case .xhtml: !(depth == captureDepth + 1 && name.element == .xhtmlDiv)
        }
    }

    func characters(_ text: UnsafeBufferPointer<UInt8>) {
        guard let kind = capture?.kind, let base64 = capture?.base64 else { return }
        // A placeholder alone is kept as the piece it stands for (until more text comes).
        if buffer.isEmpty, wholePiece == nil, kind != .xhtml, !base64,
            let (index, end) = placeholder(in: text, at: 0), end == text.count, pieces[index].count <= maxFieldBytes
        {
            wholePiece = index
            return
        }
        copyWholePiece()
        var start = 0
        // Swap placeholders (U+FDD0 number U+FDD1) back for the text lifted out.
        while let lead = ByteScan.index(of: 0xEF, in: text, from: start) {
            guard let (index, end) = placeholder(in: text, at: lead) else {
                append(UnsafeBufferPointer(rebasing: text[start...lead]), escape: kind == .xhtml)
                start = lead + 1
                continue
            }
            append(UnsafeBufferPointer(rebasing: text[start..<lead]), escape: kind == .xhtml)
            withPiece(index) { append($0, escape: kind == .xhtml) }
            start = end
        }
        append(UnsafeBufferPointer(rebasing: text[start...]), escape: kind == .xhtml)
    }

    /// The piece number and end of the placeholder at `i`, if one starts there.
    private func placeholder(in text: UnsafeBufferPointer<UInt8>, at i: Int) -> (Int, Int)? {
        guard i + 2 < text.count, text[i + 1] == 0xB7, text[i + 2] == 0x90 else { return nil }
        var j = i + 3
        var number = 0
        while j < text.count, text[j] >= 0x30, text[j] <= 0x39 {
            number = number * 10 + Int(text[j] - 0x30)
            j += 1
        }
        while j < text.count, text[j] == 0x0A { j += 1 }  // the text's line breaks, kept for line numbers
        guard j + 2 < text.count, text[j] == 0xEF, text[j + 1] == 0xB7, text[j + 2] == 0x91, number < pieces.count else { return nil }
        return (number, j + 3)
    }

    /// Moves the whole piece, if there is one, into `buffer`: more text or markup follows it.
    private func copyWholePiece() {
        guard let index = wholePiece else { return }
        wholePiece = nil
        withPiece(index) { append($0, escape: false) }
    }

    /// The captured text: the whole piece where it lies, else the buffer.
    private func withCapturedBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard let index = wholePiece else { return buffer.withUnsafeBufferPointer(body) }
        return withPiece(index, body)
    }

    /// The bytes of lifted piece `index`.
    private func withPiece<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        lifted.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[pieces[index]])) }
    }

    /// Appends captured text, escaped when the capture is XHTML markup, up to the field cap.
    private func append(_ text: UnsafeBufferPointer<UInt8>, escape: Bool) {
        if buffer.count + text.count > maxFieldBytes {
            truncatedFields += buffer.count < maxFieldBytes ? 1 : 0
            buffer.append(contentsOf: text.prefix(max(0, maxFieldBytes - buffer.count)))
        } else if escape {
            UTF8Text.appendEscaped(text, to: &buffer)
        } else {
            buffer.append(contentsOf: text)
        }
    }

    /// Starts capturing the text of the element at `depth` for `target`.
    func begin(_ target: Target, kind: TextKind, depth: Int, base: URL?, base64: Bool = false) {
        capture = Capture(target: target, kind: kind, depth: depth, base: base, base64: base64)
        buffer.removeAll(keepingCapacity: true)
        wholePiece = nil
    }

    // MARK: Captured text

    private func finish(_ capture: Capture) {
        if capture.base64 {
            let compact = String(decoding: buffer.filter { $0 > 0x20 }, as: UTF8.self)
            buffer = Data(base64Encoded: compact).flatMap { String(validating: $0, as: UTF8.self) }.map { Array($0.utf8) } ?? []
        }
        // Short values (ids, links, dates) are wanted as trimmed strings; long text stays bytes,
        // copied out at its size so that `buffer` is never shared: clearing a shared array
        // allocates its whole capacity anew.
        var text: RawText {
            let value = wholePiece.map { lifted[pieces[$0]] } ?? ArraySlice(buffer.withUnsafeBufferPointer { Array($0) })
            return RawText(value: value, kind: capture.kind, base: capture.base)
        }
        var trimmed: String { withCapturedBytes(Whitespace.trimmed) }
        switch capture.target {
        case .feedTitle: if feed.title == nil { feed.title = text }
        case .feedSubtitle: if feed.subtitle == nil { feed.subtitle = text }
        case .feedLink: if !trimmed.isEmpty { feed.links.append(RawLink(href: trimmed, rel: "alternate", base: capture.base)) }
        case .feedLanguage: if feed.language == nil { feed.language = trimmed }
        case .feedUpdated: if feed.updated == nil { feed.updated = trimmed }
        case .feedTTL: feed.ttl = trimmed
        case .feedImageURL:
            if feed.imageURL == nil, !trimmed.isEmpty { feed.imageURL = RawLink(href: trimmed, rel: "image", base: capture.base) }
        case .title: if item?.title == nil { item?.title = text }
        case .guid: if item?.guid == nil, !trimmed.isEmpty { item?.guid = trimmed }
        case .link:
            if !trimmed.isEmpty { item?.links.append(RawLink(href: trimmed, rel: "alternate", base: capture.base)) }
        case .published: if item?.published == nil, !trimmed.isEmpty { item?.published = trimmed }
        case .updated: if item?.updated == nil, !trimmed.isEmpty { item?.updated = trimmed }
        case .author, .authorName: if !trimmed.isEmpty { item?.authors.append(trimmed) }
        case .category: if !trimmed.isEmpty { item?.categories.append(trimmed) }
        case .summary: if item?.summary == nil { item?.summary = text }
        case .content: if item?.content == nil { item?.content = text }
        case .mediaTitle: if item?.mediaTitle == nil { item?.mediaTitle = text }
        case .mediaDescription: if item?.mediaDescription == nil { item?.mediaDescription = text }
        case .comments: if !trimmed.isEmpty { item?.comments = RawLink(href: trimmed, rel: "replies", base: capture.base) }
        case .commentCount: item?.commentCount = trimmed
        case .duration: item?.duration = trimmed
        }
    }
}

/// Driven by one parse on one thread.
@available(*, unavailable)
extension FeedBuilder: Sendable {}
