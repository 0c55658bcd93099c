/// What of a config feed URL may leave the machine. A feed URL can carry credentials
/// (`https://user:password@host/feed`) or a token in its query (`/feed?token=…`); the outputs
/// are public, so they never carry either: an opaque id stands in for the feed, and the URL
/// itself is published only when there is nothing in it to hide.
///
/// Secrets in a URL's path (`/feeds/<token>.atom`) cannot be told from a path: a feed whose path
/// is secret should carry the token in its query instead.
public enum PublicFeedURL {
    /// `url` when it carries no user name, password, query or fragment; else nil (a URL with
    /// them stripped might not be the feed, and one with them kept gives them away).
    public static func link(_ url: String) -> String? {
        redacted(url) == url ? url : nil
    }

    /// `url` without user name, password, query and fragment, for where a feed must be named
    /// and has no other name: `https://user:pw@host/feed?token=x` is `https://host/feed`.
    public static func redacted(_ url: String) -> String {
        let parts = Parts(url)
        let end = parts.rest.firstIndex { $0 == "?" || $0 == "#" } ?? parts.rest.endIndex
        return String(parts.scheme + parts.rest[..<end])
    }

    /// The pieces of `url` that would give its secrets away if a published link carried them:
    /// its user information (`user:password@`), a password of eight characters or more, and
    /// each query value that looks like a key rather than a word (``looksLikeAKey(_:)``), each
    /// also percent-decoded. Shorter or plainer values (`page=2`, `format=feedburner`,
    /// `category=business`) are no secrets and would match innocent links.
    public static func secrets(of url: String) -> [String] {
        let parts = Parts(url)
        var found: [String] = []
        if let userinfo = parts.userinfo, !userinfo.isEmpty {
            found.append(userinfo + "@")
            if let colon = userinfo.firstIndex(of: ":"), userinfo.distance(from: colon, to: userinfo.endIndex) > 8 {
                found.append(String(userinfo[userinfo.index(after: colon)...]))
            }
        }
        guard let question = parts.rest.firstIndex(of: "?") else { return found }
        let query = parts.rest[parts.rest.index(after: question)...].prefix { $0 != "#" }
        for pair in query.split(separator: "&") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let value = String(pair[pair.index(after: equals)...])
            let decoded = value.removingPercentEncoding ?? value
            guard looksLikeAKey(decoded) else { continue }
            found.append(value)
            if decoded != value { found.append(decoded) }
        }
        return found
    }

    /// Whether a query value looks like a key, a token or a code, not a word: eight characters
    /// or more mixing letters and digits (`abc123secret`), in mixed case past the first letter
    /// (`SomeSecretWord`), or of symbols a word has not (`a-b_c.d~e`); six digits or more (a PIN,
    /// an account number); or sixteen characters or more of anything.
    static func looksLikeAKey(_ value: String) -> Bool {
        let letters = value.filter(\.isLetter).count
        let digits = value.filter(\.isNumber).count
        if value.count >= 16 || (digits == value.count && digits >= 6) { return true }
        guard value.count >= 8 else { return false }
        if letters > 0 && digits > 0 { return true }
        if value.dropFirst().contains(where: \.isUppercase) && value.contains(where: \.isLowercase) { return true }
        return letters + digits < value.count
    }

    /// A URL as scheme (with `//` when it has an authority), user information, and the rest.
    /// The authority ends at the first `/`, `?` or `#` (as curl and browsers read it); the user
    /// information is what comes before its last `@`.
    package struct Parts {
        package var scheme: Substring
        var userinfo: Substring?
        package var rest: Substring

        package init(_ url: String) {
            let text = Substring(url)
            guard let separator = text.range(of: "://") else {
                (scheme, userinfo, rest) = ("", nil, text)
                return
            }
            let authority = text[separator.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            scheme = text[..<separator.upperBound]
            if let at = authority.lastIndex(of: "@") {
                userinfo = authority[..<at]
                rest = text[text.index(after: at)...]
            } else {
                userinfo = nil
                rest = text[separator.upperBound...]
            }
        }
    }
}
