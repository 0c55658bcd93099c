import ArgumentParser
import Foundation
import NewsdeskFetch
import NewsdeskParse

/// `newsdesk parse FILE|URL`: one feed, parsed and printed.
struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Parse one feed (a file or an http(s)/file URL) and print it.")

    @Argument(help: "A feed file, or an http://, https:// or file:// URL.")
    var location: String

    @Option(help: "Resolve relative links against this URL instead of the feed's own location.")
    var baseURL: String?

    @Flag(help: "Print JSON instead of a readable summary.")
    var json = false

    @Option(help: "Refuse documents larger than this many bytes.")
    var maxBytes = 16 << 20

    @Flag(help: "Print summaries and contents as the feed wrote them, boilerplate included.")
    var keepBoilerplate = false

    func run() throws {
        let source = FeedLocation(location)
        var limits = FetchLimits()
        limits.maxBody = maxBytes
        var feed: Feed
        do {
            let loaded = try source.load(limits: limits)
            let base = baseURL.flatMap(URL.init(string:)) ?? loaded.url
            feed = try FeedParser(options: .init(maxBytes: maxBytes)).parse(loaded.body, url: base, charset: loaded.charset)
            // What a first poll of this document stores: the document is its own evidence.
            if !keepBoilerplate { feed.items = BoilerplateFilter().clean(feed.items).items }
        } catch {
            FileHandle.standardError.write(Data("newsdesk: \(location): \(error)\n".utf8))
            throw ExitCode.failure
        }
        if json {
            FileHandle.standardOutput.write(try JSONOutput.data(FeedJSON(feed)))
            print()
        } else {
            print(FeedSummary.render(feed))
            for warning in feed.warnings {
                FileHandle.standardError.write(Data("newsdesk: warning: \(location): \(warning)\n".utf8))
            }
        }
    }
}

/// The readable form of a parsed feed.
enum FeedSummary {
    static func render(_ feed: Feed) -> String {
        var lines = ["\(feed.title ?? "(untitled)")  [\(feed.format.rawValue), \(feed.items.count) items]"]
        if let link = feed.link { lines.append(link) }
        for (index, item) in feed.items.enumerated() {
            let date = (item.published ?? item.updated).map(FeedDate.rfc3339) ?? "no date"
            lines.append("")
            lines.append("\(index + 1). \(item.title ?? "(untitled)")")
            lines.append("   \(date)  \(item.link ?? item.identity)")
            if let excerpt = item.excerpt { lines.append("   \(excerpt.prefix(160))") }
        }
        return lines.joined(separator: "\n")
    }
}
