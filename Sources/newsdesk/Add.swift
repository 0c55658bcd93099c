import ArgumentParser
import Foundation
import NewsdeskBase
import NewsdeskConfig
import NewsdeskDaemon

/// `newsdesk add URL`: subscribe to a feed, or to the first feed a page names.
struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add a feed to the config: its URL, or a page that names it; fetched and parsed before anything is written.",
        discussion: """
            A page is searched for <link rel="alternate"> feeds and the first is added; the others are listed. \
            The [[feed]] table goes at the end of the config, the rest of the file left byte for byte as it was. \
            Exit status: 0 added; 1 refused, nothing written (a feed already there, a page without a feed, \
            a fetch or parse failure); 2 the config has problems; 64 a bad command line.
            """)

    @Argument(help: "An http(s) URL: a feed, or a page that names its feed.")
    var url: String

    @Option(help: "The feed's name (without it, the feed's own title, as it changes).")
    var name: String?

    @Option(name: .customLong("tag"), help: "A tag of the feed (repeat for more).")
    var tags: [String] = []

    @Flag(
        help: """
            Let this feed be on a loopback or private network address: it is fetched so now, and written \
            with allow_private_networks = true unless [newsdesk] allows it already.
            """)
    var allowPrivateNetworks = false

    @OptionGroup var options: ConfigOptions

    func validate() throws {
        guard ConfigLoader.httpURL(url.trimmingCharacters(in: .whitespaces)) else {
            throw ValidationError("not an http(s) URL: \(url) (write a file: feed's [[feed]] table by hand)")
        }
        if let name, name.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--name is empty") }
        if tags.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) { throw ValidationError("a --tag is empty") }
    }

    func run() throws {
        let appender = try options.appender()
        let settings = appender.config.settings
        let finder = FeedFinder(
            config: appender.config, configName: options.config, allowPrivateNetworks: allowPrivateNetworks || settings.allowPrivateNetworks
        )
        let found: FeedFinder.Found
        do {
            found = try finder.find(url.trimmingCharacters(in: .whitespaces))
        } catch {
            let hint =
                error.refusedAddress
                ? " (in the [newsdesk] table of \(options.config); or add this feed alone with --allow-private-networks)" : ""
            Console.error("\(error)\(hint); nothing written to \(options.config)")
            throw ExitCode.failure
        }
        var unique: [String] = []
        for tag in tags where !unique.contains(tag) { unique.append(tag) }
        let table = ConfigAppender.feedTable(
            url: found.url, name: name, tags: unique, allowPrivateNetworks: allowPrivateNetworks && !settings.allowPrivateNetworks)
        let config: Config
        do {
            config = try appender.append(table)
        } catch {
            Console.error(error.description)
            throw ExitCode.failure
        }
        for warning in found.feed.warnings { Console.error("warning: \(found.url): \(warning)") }
        if let page = found.page { print("\(page) is a page; its feed is \(found.url)") }
        let title = Escaping.quoted(found.feed.title ?? "(untitled)")
        let line = config.feeds.last?.line.map { ", line \($0)" } ?? ""
        let created = appender.exists ? "" : " (a new file)"
        print(
            "added \(title) (\(found.url), \(found.feed.format.rawValue), \(found.feed.items.count) items) "
                + "to \(options.config)\(created)\(line)")
        if !found.others.isEmpty {
            print("the page names \(found.others.count) more: \(found.others.joined(separator: ", ")) (add one with newsdesk add URL)")
        }
    }
}
