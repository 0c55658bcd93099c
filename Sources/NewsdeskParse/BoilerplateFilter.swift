import Foundation
import NewsdeskBase

/// Takes injected blocks (advertising, "The post … appeared first on …", share and subscribe
/// blurbs, sponsored paragraphs) out of items' summaries and contents, and remakes their
/// excerpts from what is left, without hand-written rules per site.
///
/// A block (see ``Boilerplate``) is boilerplate when
/// - its shape is one of the few well-known patterns (``Boilerplate/pattern(_:)``), or
/// - it repeats across the feed: it is in at least `minItems` (3) items and at least `minShare`
///   (50 %) of the evidence, the items of this document plus the feed's latest stored items (up
///   to `window`, 50, in all). One or two items are no evidence; a block in one item of ten is
///   kept. A block judged boilerplate before (`remembered`) stays so while it is in at least 2
///   items and `keepShare` (25 %) of the evidence, so that an item's text does not flip between
///   polls when the share hovers at the bar.
///
/// and the item's own text is never taken: a block of fewer than `minWords` (3) words is not
/// removed for repeating (headings such as "Ingredients"), one that is only the item's title
/// never, and an item that would be left without any text is left as it was (so an item's only
/// block stays). A field that loses blocks has its excerpt remade from the summary, else the
/// content, as the parser makes it; an item that loses nothing is returned unchanged.
///
/// A value type without state: the evidence comes in, the verdicts go out.
public struct BoilerplateFilter: Sendable {
    /// A block repeats when at least this many items carry it: two are no evidence.
    public var minItems = 3
    /// ... and at least this share of the evidence's items.
    public var minShare = 0.5
    /// A block judged boilerplate at the last poll stays so down to this share (hysteresis).
    public var keepShare = 0.25
    /// Items of evidence at most: the document's, then the feed's latest stored ones.
    public var window = 50
    /// Blocks of fewer words are not removed for repeating (headings, labels).
    public var minWords = 3
    /// Excerpts are remade with this cap (`max_excerpt_chars`).
    public var maxExcerptChars = 280

    public init(maxExcerptChars: Int = 280) {
        self.maxExcerptChars = maxExcerptChars
    }

    /// What cleaning a document's items did.
    public struct Result: Sendable {
        public var items: [FeedItem]
        /// The block hashes of each item as the feed gave it (for the next polls' evidence).
        public var hashes: [[UInt64]]
        /// Per item: blocks and bytes of HTML taken out (0 when untouched).
        public var removedBlocks: [Int]
        public var removedBytes: [Int]
        /// The hashes judged boilerplate by repetition, with the items carrying each.
        public var boilerplate: [UInt64: Int]
    }

    /// Cleans `items`, with `history` (the block hashes of the feed's latest stored items that
    /// are not among `items`, newest first) and the hashes judged boilerplate at the last poll.
    public func clean(_ items: [FeedItem], history: [[UInt64]] = [], remembered: Set<UInt64> = []) -> Result {
        let fields = items.map(Fields.init)
        let hashes = fields.map { $0.hashes }
        var counts: [UInt64: Int] = [:]
        let evidence = hashes.filter { !$0.isEmpty } + history.prefix(max(0, window - items.count)).filter { !$0.isEmpty }
        for itemHashes in evidence {
            for hash in Set(itemHashes) { counts[hash, default: 0] += 1 }
        }
        let total = Double(evidence.count)
        var boilerplate: [UInt64: Int] = [:]
        for (hash, count) in counts {
            let fresh = count >= minItems && Double(count) >= minShare * total
            let kept = remembered.contains(hash) && count >= 2 && Double(count) >= keepShare * total
            if fresh || kept { boilerplate[hash] = count }
        }
        var result = Result(
            items: items, hashes: hashes, removedBlocks: Array(repeating: 0, count: items.count),
            removedBytes: Array(repeating: 0, count: items.count), boilerplate: boilerplate)
        for index in items.indices {
            guard let cleaned = clean(items[index], fields[index], repeated: boilerplate) else { continue }
            result.items[index] = cleaned.item
            result.removedBlocks[index] = cleaned.blocks
            result.removedBytes[index] = cleaned.bytes
        }
        return result
    }

    /// One item's summary and content as bytes and blocks.
    private struct Fields {
        var titleShape: String
        var summary: [UInt8]?
        var content: [UInt8]?
        var summaryBlocks: [Boilerplate.Block] = []
        var contentBlocks: [Boilerplate.Block] = []

        init(_ item: FeedItem) {
            titleShape = item.title.map { Boilerplate.shape($0) } ?? ""
            summary = item.summary.map { Array($0.utf8) }
            content = item.content.map { Array($0.utf8) }
            if let summary { summaryBlocks = Boilerplate.blocks(summary, titleShape: titleShape) }
            if let content { contentBlocks = Boilerplate.blocks(content, titleShape: titleShape) }
        }

        var hashes: [UInt64] { (summaryBlocks + contentBlocks).compactMap(\.hash) }
    }

    private func clean(_ item: FeedItem, _ fields: Fields, repeated: [UInt64: Int]) -> (item: FeedItem, blocks: Int, bytes: Int)? {
        var item = item
        var blocks = 0
        var bytes = 0
        var texts: [String?] = [nil, nil]
        let fieldTexts = [(item.summary, fields.summary, fields.summaryBlocks), (item.content, fields.content, fields.contentBlocks)]
        for (slot, (original, html, fieldBlocks)) in fieldTexts.enumerated() {
            guard let original, let html else { continue }
            let removed = doomed(fieldBlocks, repeated: repeated)
            var text = removed.isEmpty ? original : Boilerplate.remove(removed.map { fieldBlocks[$0].range }, from: html)
            let trimmed = Boilerplate.trimEnd(text, titleShape: fields.titleShape)
            text = trimmed.html
            if removed.isEmpty && trimmed.removed == 0 { continue }
            blocks += removed.count + (trimmed.removed > 0 ? 1 : 0)
            bytes += html.count - text.utf8.count
            texts[slot] = text
        }
        guard blocks > 0 else { return nil }
        let summary = fields.summary == nil ? nil : texts[0] ?? item.summary
        let content = fields.content == nil ? nil : texts[1] ?? item.content
        let excerpt = [summary, content].lazy.compactMap { $0 }.map { PlainText.visible(HTMLSanitizer.excerpt($0, limit: maxExcerptChars)) }
            .first { !Whitespace.trim($0).isEmpty }
        // Never empty an item: its only block stays, and so does everything when nothing else would.
        guard let excerpt else { return nil }
        item.summary = summary.flatMap { Whitespace.trim(HTMLSanitizer.plainText($0)).isEmpty && !$0.contains("<img") ? nil : $0 }
        item.content = content.flatMap { Whitespace.trim(HTMLSanitizer.plainText($0)).isEmpty && !$0.contains("<img") ? nil : $0 }
        item.excerpt = Whitespace.trim(excerpt)
        return (item, blocks, bytes)
    }

    /// The indices of the blocks of one field to take out.
    private func doomed(_ blocks: [Boilerplate.Block], repeated: [UInt64: Int]) -> [Int] {
        var doomed = Set<Int>()
        for (index, block) in blocks.enumerated() {
            if let hash = block.hash, repeated[hash] != nil, block.words >= minWords { doomed.insert(index) }
            if Boilerplate.pattern(block.shape) == .anywhere { doomed.insert(index) }
        }
        // The trailing run: patterns that may only end a field, behind the blocks already doomed.
        var index = blocks.count - 1
        var labels: [Int] = []
        while index >= 0 {
            let block = blocks[index]
            if doomed.contains(index) || block.shape.isEmpty {
                index -= 1
                continue
            }
            if Boilerplate.isSharingHeading(block.shape) {
                doomed.insert(index)
                doomed.formUnion(labels)
                labels = []
            } else if labels.isEmpty, Boilerplate.pattern(block.shape) == .trailing {
                doomed.insert(index)
            } else if block.words <= 3, block.shape.count <= 30 {
                labels.append(index)  // a short label: gone only with a sharing heading above it
            } else {
                break
            }
            index -= 1
        }
        return doomed.sorted()
    }
}
