import Foundation
import NewsdeskBase
import NewsdeskConfig

/// Subscriptions in and out as OPML 2.0: `newsdesk opml import` and `newsdesk opml export`.
public enum OPML {
    /// A subscription found in an OPML file.
    public struct Subscription: Sendable, Equatable {
        public var url: String
        public var title: String?
        /// The titles of the folders (outlines) it sits in, outermost first, plus its categories.
        public var tags: [String]
    }

    /// An outline an import leaves out, and why.
    public struct Skipped: Sendable, Equatable, CustomStringConvertible {
        public var subscription: Subscription
        public var reason: String

        /// `skipped "Passwords" (file:/etc/passwd): only http and https feeds are imported`, with
        /// the title and URL escaped, so a hostile one cannot write to the terminal.
        public var description: String {
            let url = Escaping.quoted(subscription.url).dropFirst().dropLast()
            guard let title = subscription.title, !title.isEmpty else { return "skipped \(url): \(reason)" }
            return "skipped \(Escaping.quoted(title)) (\(url)): \(reason)"
        }
    }

    /// Why an OPML file could not be read.
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The subscriptions of an OPML document: every `<outline>` with an `xmlUrl`.
    public static func subscriptions(in data: [UInt8]) throws(ReadError) -> [Subscription] {
        let decoded = CharsetDecoder.decode(data)
        let reader = OutlineReader()
        let outcome = decoded.bytes.withUnsafeBytes { XMLStreamParser.parse($0, sink: reader) }
        guard reader.sawOPML else {
            let detail = outcome.firstError.map { " (line \(outcome.line): \($0))" } ?? ""
            throw ReadError(description: "not an OPML document: no <opml> root element\(detail)")
        }
        return reader.subscriptions
    }

    /// The subscriptions an import may add, and the ones it leaves out. An OPML file comes from
    /// elsewhere, so only http(s) feeds are taken: a `file:` one would republish any file
    /// newsdesk can read.
    public static func screen(_ subscriptions: [Subscription]) -> (accepted: [Subscription], skipped: [Skipped]) {
        var accepted: [Subscription] = []
        var skipped: [Skipped] = []
        for subscription in subscriptions {
            if ConfigLoader.httpURL(subscription.url) {
                accepted.append(subscription)
            } else {
                skipped.append(Skipped(subscription: subscription, reason: "only http and https feeds are imported"))
            }
        }
        return (accepted, skipped)
    }

    /// The `[[feed]]` tables to append to a config for `subscriptions` (for
    /// ``ConfigAppender/append(_:)``), skipping feeds it has (``ConfigAppender/feedKey(_:)``).
    public static func tomlForImport(_ subscriptions: [Subscription], existing: Config) -> (text: String, added: Int) {
        var known = Set(existing.feeds.map { ConfigAppender.feedKey($0.url) })
        var tables: [String] = []
        for subscription in subscriptions where known.insert(ConfigAppender.feedKey(subscription.url)).inserted {
            tables.append(ConfigAppender.feedTable(url: subscription.url, name: subscription.title, tags: subscription.tags))
        }
        return (tables.joined(separator: "\n"), tables.count)
    }

    /// An OPML 2.0 document listing the config's feeds, in folders by their first tag.
    public static func export(_ config: Config, now: Date = Date()) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n"
        out += "    <title>\(Escaping.xml(config.settings.title))</title>\n"
        out += "    <dateCreated>\(FeedDate.rfc822(now))</dateCreated>\n"
        out += "    <docs>http://opml.org/spec2.opml</docs>\n  </head>\n  <body>\n"
        var folders: [String] = []
        var byFolder: [String: [FeedConfig]] = [:]
        for feed in config.feeds {
            let folder = feed.tags.first ?? ""
            if byFolder[folder] == nil { folders.append(folder) }
            byFolder[folder, default: []].append(feed)
        }
        for folder in folders {
            let indent = folder.isEmpty ? "    " : "      "
            if !folder.isEmpty { out += "    <outline text=\"\(Escaping.xml(folder))\">\n" }
            for feed in byFolder[folder] ?? [] {
                let title = Escaping.xml(feed.name ?? feed.url)
                out += "\(indent)<outline type=\"rss\" text=\"\(title)\" title=\"\(title)\" xmlUrl=\"\(Escaping.xml(feed.url))\""
                if feed.tags.count > 1 {
                    out += " category=\"\(Escaping.xml(feed.tags.map { "/" + $0 }.joined(separator: ",")))\""
                }
                out += "/>\n"
            }
            if !folder.isEmpty { out += "    </outline>\n" }
        }
        return out + "  </body>\n</opml>\n"
    }
}

/// Collects `<outline>` elements, tracking the folders they are nested in.
private final class OutlineReader: XMLEventSink {
    var sawOPML = false
    var subscriptions: [OPML.Subscription] = []
    /// One entry per open `<outline>`: the folder name it adds (nil for a subscription).
    private var stack: [String?] = []

    func startElement(_ name: XMLName, attributes: XMLAttributes) -> Bool {
        if name.local == "opml" { sawOPML = true }
        guard name.local == "outline" else { return false }
        let title = (attributes["title"] ?? attributes["text"]).map(Whitespace.trim)
        guard let url = attributes["xmlUrl"] ?? attributes["xmlurl"] ?? attributes["url"], !url.isEmpty,
            (attributes["type"] ?? "rss").lowercased() != "link"
        else {
            stack.append(title.flatMap { $0.isEmpty ? nil : $0 })
            return false
        }
        var tags = stack.compactMap { $0 }
        for category in (attributes["category"] ?? "").split(separator: ",") {
            // OPML 2.0 categories are slash-delimited paths: "/News/World" gives "News" and "World".
            for part in category.split(separator: "/") {
                let tag = part.trimmingCharacters(in: .whitespaces)
                if !tag.isEmpty, !tags.contains(tag) { tags.append(tag) }
            }
        }
        subscriptions.append(OPML.Subscription(url: Whitespace.trim(url), title: title, tags: tags))
        stack.append(nil)
        return false
    }

    func endElement(_ name: XMLName) -> Bool {
        if name.local == "outline", !stack.isEmpty { stack.removeLast() }
        return false
    }

    func characters(_ text: UnsafeBufferPointer<UInt8>) {}
}
