import Foundation
import NewsdeskBase
import NewsdeskParse

/// The identity of an item within its feed: guid (or Atom id), else canonical link, else a hash
/// of title and date. A feed whose guids repeat (or whose links repeat) is keyed by the next
/// kind for good, so its items do not collapse into one.
public enum ItemKey {
    public enum Mode: Int, Sendable, Comparable {
        case guid = 0
        case link = 1
        case hash = 2
        public static func < (a: Mode, b: Mode) -> Bool { a.rawValue < b.rawValue }
    }

    /// The keys of `items` in order, and the mode used (never before `mode`).
    public static func keys(for items: [FeedItem], mode: Mode) -> (keys: [String], mode: Mode) {
        var mode = mode
        if mode == .guid, repeats(items.compactMap { nonEmpty($0.guid) }) { mode = .link }
        if mode <= .link, repeats(items.compactMap { nonEmpty($0.link).map(CanonicalURL.key) }) { mode = .hash }
        return (items.map { key(for: $0, mode: mode) }, mode)
    }

    static func key(for item: FeedItem, mode: Mode) -> String {
        if mode == .guid, let guid = nonEmpty(item.guid) { return "g:" + guid }
        if mode <= .link, let link = nonEmpty(item.link) { return "l:" + CanonicalURL.key(link) }
        var text = item.title ?? ""
        text += "\u{1F}" + (item.published ?? item.updated).map(FeedDate.rfc3339).orEmpty
        if item.title == nil { text += "\u{1F}" + (item.summary ?? item.content).orEmpty }
        return "h:" + ContentHash.hex(Array(text.utf8))
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }

    private static func repeats(_ values: [String]) -> Bool {
        var seen = Set<String>()
        return values.contains { !seen.insert($0).inserted }
    }
}

extension Optional where Wrapped == String {
    fileprivate var orEmpty: String { self ?? "" }
}
