/// The form of an article URL used to recognise the same article behind different links:
/// `HTTP://WWW.Example.com:80/a/amp/?utm_source=x&b=2&a=1#top` and
/// `https://example.com/a?a=1&b=2` are one article.
///
/// A key for comparison, never a link to show: it folds http into https and drops `www.`.
public enum CanonicalURL {
    /// Query parameters that only track where a click came from (with every `utm_*`): no page
    /// needs them, so published links go without them too (``withoutTracking(_:)``).
    static let trackingParameters: Set<String> = [
        "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "twclid", "ttclid", "igshid", "mc_cid", "mc_eid",
        "ref_src", "ref_url", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "cmpid", "s_cid", "ocid", "smid", "sr_share",
        "ito", "icid", "ncid", "soc_src", "soc_trk", "wt.mc_id", "xtor", "at_medium", "at_campaign", "cmp",
        "__twitter_impression",
    ]
    /// Parameters that name a variant of the same article (its AMP or feed version, who shared
    /// it): one article for the key, but a page may use them (`ref` picks a branch on a code
    /// host), so links keep them.
    static let variantParameters: Set<String> = ["ref", "referrer", "rss", "amp", "outputtype", "share", "via"]

    static func isTracking(_ name: some StringProtocol) -> Bool {
        let name = name.lowercased()
        return name.hasPrefix("utm_") || trackingParameters.contains(name)
    }

    /// `url` without its tracking parameters (``trackingParameters``), everything else as it
    /// was, byte for byte: scheme, host, path, the other parameters in their order, the
    /// fragment. A URL that is not http(s), or has no such parameter, comes back unchanged.
    public static func withoutTracking(_ url: String) -> String {
        let fragmentStart = url.firstIndex(of: "#") ?? url.endIndex
        guard url.lowercased().hasPrefix("http://") || url.lowercased().hasPrefix("https://"),
            let question = url[..<fragmentStart].firstIndex(of: "?")
        else { return url }
        let query = url[url.index(after: question)..<fragmentStart]
        let parameters = query.split(separator: "&", omittingEmptySubsequences: false)
        let kept = parameters.filter { parameter in
            parameter.isEmpty || !isTracking(parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0])
        }
        guard kept.count < parameters.count else { return url }
        let rest = kept.filter { !$0.isEmpty }
        return String(url[..<question]) + (rest.isEmpty ? "" : "?" + rest.joined(separator: "&")) + url[fragmentStart...]
    }

    /// The canonical key of `url`; a string that is not an absolute http(s) URL is returned trimmed.
    public static func key(_ url: String) -> String {
        let trimmed = Whitespace.trim(url)
        guard let colon = trimmed.firstIndex(of: ":") else { return trimmed }
        let scheme = trimmed[..<colon].lowercased()
        guard scheme == "http" || scheme == "https" else { return trimmed }
        var rest = trimmed[trimmed.index(after: colon)...]
        guard rest.hasPrefix("//") else { return trimmed }
        rest = rest.dropFirst(2)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = authority.lowercased()
        if let portColon = host.lastIndex(of: ":"), !host.hasSuffix("]") {
            let port = host[host.index(after: portColon)...]
            if port.isEmpty || port == "80" || port == "443" { host = String(host[..<portColon]) }
        }
        if host.hasSuffix(".") { host.removeLast() }
        for prefix in ["www.", "amp.", "m."] where host.hasPrefix(prefix) && host.dropFirst(prefix.count).contains(".") {
            host = String(host.dropFirst(prefix.count))
        }
        let afterAuthority = rest[authorityEnd...]
        let queryStart = afterAuthority.firstIndex(of: "?")
        var path = String(queryStart.map { afterAuthority[..<$0] } ?? afterAuthority)
        let query = queryStart.map { afterAuthority[afterAuthority.index(after: $0)...] } ?? ""
        path = foldPath(path)
        let parameters = query.split(separator: "&").filter { parameter in
            let name = (parameter.split(separator: "=", maxSplits: 1).first ?? "").lowercased()
            return !name.isEmpty && !isTracking(name) && !variantParameters.contains(name)
        }.sorted()
        return "https://" + host + path + (parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&"))
    }

    /// Drops AMP variants (`/amp`, `.amp.html`, `/amp/` at the end) and trailing slashes.
    private static func foldPath(_ path: String) -> String {
        var path = path
        if path.hasSuffix(".amp.html") { path = String(path.dropLast(9)) + ".html" }
        while path.hasSuffix("/") { path.removeLast() }
        if path.hasSuffix("/amp") { path = String(path.dropLast(4)) }
        if path.hasPrefix("/amp/") { path = String(path.dropFirst(4)) }
        while path.hasSuffix("/") { path.removeLast() }
        if path.hasSuffix("/index.html") || path.hasSuffix("/index.htm") || path.hasSuffix("/index.php") {
            path = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        }
        return path
    }
}
