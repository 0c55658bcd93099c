import Foundation

/// Resolves the links of a feed against a base (xml:base, the feed's own URL), RFC 3986 style.
package enum LinkResolver {
    /// `reference` made absolute against `base`; unchanged when there is no base or it cannot be
    /// resolved. White space around a link is dropped and inside it percent-encoded.
    package static func resolve(_ reference: String, against base: URL?) -> String {
        let trimmed = Whitespace.trim(reference)
        guard !trimmed.isEmpty else { return trimmed }
        guard let base, !hasScheme(trimmed) else { return trimmed }
        return resolve(escaped(trimmed), base: base.absoluteString) ?? trimmed
    }

    /// RFC 3986 section 5.2.2, on strings (Foundation's URL resolution costs tens of thousands of
    /// instructions a link): `reference` (relative) against the absolute `base`.
    package static func resolve(_ reference: String, base: String) -> String? {
        guard let colon = base.firstIndex(of: ":") else { return nil }
        let scheme = base[..<colon]
        var rest = base[base.index(after: colon)...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var authority: Substring?
        if rest.hasPrefix("//") {
            let afterSlashes = rest.dropFirst(2)
            let end = afterSlashes.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterSlashes.endIndex
            authority = afterSlashes[..<end]
            rest = afterSlashes[end...]
        }
        let basePath = rest.firstIndex(of: "?").map { rest[..<$0] } ?? rest
        let prefix = scheme + ":" + (authority.map { "//" + $0 } ?? "")

        if reference.hasPrefix("//") { return scheme + ":" + reference }
        if reference.hasPrefix("/") { return prefix + removingDotSegments(reference) }
        if reference.hasPrefix("?") { return prefix + basePath + reference }
        if reference.hasPrefix("#") { return prefix + rest + reference }
        // A relative path: merged with the base path's directory (RFC 3986 5.2.3).
        let directory: Substring
        if let lastSlash = basePath.lastIndex(of: "/") {
            directory = basePath[...lastSlash]
        } else {
            directory = authority != nil ? "/" : ""
        }
        let (path, suffix) = splitPath(reference)
        return prefix + removingDotSegments(String(directory) + path) + suffix
    }

    /// A relative reference's path and what follows it (query and fragment).
    private static func splitPath(_ reference: String) -> (String, Substring) {
        guard let end = reference.firstIndex(where: { $0 == "?" || $0 == "#" }) else { return (reference, "") }
        return (String(reference[..<end]), reference[end...])
    }

    /// RFC 3986 section 5.2.4: `.` and `..` segments resolved.
    package static func removingDotSegments(_ path: String) -> String {
        guard path.contains(".") else { return path }
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            let last = index == segments.count - 1
            switch segment {
            case ".":
                if last { output.append("") }
            case "..":
                if output.count > 1 { output.removeLast() }
                if last { output.append("") }
            default:
                output.append(segment)
            }
        }
        var joined = output.joined(separator: "/")
        if path.hasPrefix("/"), !joined.hasPrefix("/") { joined = "/" + joined }
        return joined
    }

    /// A base URL from text, resolved against an outer base (nested xml:base), or nil.
    package static func base(_ text: String, against outer: URL?) -> URL? {
        let resolved = resolve(text, against: outer)
        guard hasScheme(resolved) else { return nil }
        return URL(string: escaped(resolved))
    }

    /// Whether `link` starts with a URI scheme (`http:`, `mailto:`, `urn:`...).
    package static func hasScheme(_ link: String) -> Bool {
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
