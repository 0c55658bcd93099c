import Foundation

/// Resolves the links of a feed against a base (xml:base, the feed's own URL), RFC 3986 style.
enum LinkResolver {
    /// `reference` made absolute against `base`; unchanged when there is no base or it cannot be
    /// resolved. White space around a link is dropped and inside it percent-encoded.
    static func resolve(_ reference: String, against base: URL?) -> String {
        let trimmed = UTF8Text.trim(reference)
        guard !trimmed.isEmpty else { return trimmed }
        if hasScheme(trimmed) || base == nil { return trimmed }
        guard let base, let url = URL(string: escaped(trimmed), relativeTo: base) else { return trimmed }
        return url.absoluteString
    }

    /// A base URL from text, resolved against an outer base (nested xml:base), or nil.
    static func base(_ text: String, against outer: URL?) -> URL? {
        let resolved = resolve(text, against: outer)
        guard hasScheme(resolved) else { return nil }
        return URL(string: escaped(resolved))
    }

    /// Whether `link` starts with a URI scheme (`http:`, `mailto:`, `urn:`...).
    static func hasScheme(_ link: String) -> Bool {
        var sawLetter = false
        for byte in link.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): sawLetter = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
                if !sawLetter { return false }
            case UInt8(ascii: ":"): return sawLetter
            default: return false
            }
        }
        return false
    }

    /// Characters Foundation's URL parser rejects, percent-encoded; everything else as written.
    private static func escaped(_ link: String) -> String {
        // Most links need nothing: skip Foundation's (slow) encoder unless a byte asks for it.
        guard
            link.utf8.contains(where: {
                $0 <= 0x20 || $0 >= 0x7F || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "<")
                    || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "^") || $0 == UInt8(ascii: "`")
                    || $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "|") || $0 == UInt8(ascii: "}")
            })
        else { return link }
        return link.addingPercentEncoding(withAllowedCharacters: allowedInLinks) ?? link
    }

    private static let allowedInLinks: CharacterSet = {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.insert(charactersIn: "#%[]")
        return allowed
    }()
}
