import Foundation
import Logging
import TestSupport
import Testing

@testable import NewsdeskConfig
@testable import NewsdeskDaemon
@testable import NewsdeskFetch
@testable import NewsdeskStore

/// A real SQLite file in a fresh folder, a config pointing at a local server, a test clock.
struct PollHarness {
    let folder: String
    let config: Config
    let store: StateStore
    let clock = TestClock()

    /// `feeds` are paths on `server` (or full URLs); `settings` is extra TOML for [newsdesk],
    /// where private networks are allowed unless it says otherwise.
    init(server: LocalHTTPServer?, feeds: [String], settings: String = "", feedExtra: String = "") throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-poll-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var text = "[newsdesk]\nstate = \"state.sqlite\"\npoll_interval = \"30m\"\n\(settings)\n"
        if !settings.contains("allow_private_networks") { text += "allow_private_networks = true\n" }
        for feed in feeds {
            let url = feed.contains(":") ? feed : (server?.baseURL ?? "") + feed
            text += "\n[[feed]]\nurl = \"\(url)\"\n\(feedExtra)\n"
        }
        config = try ConfigLoader.parse(text: text, path: folder + "/feeds.conf")
        store = try StateStore(path: config.settings.state)
    }

    /// One cycle; `classify` replaces the address policy.
    func poll(all: Bool = true, classify: AddressPolicy.Classifier? = nil) throws -> PollSummary {
        let clock = self.clock
        let poller = FeedPoller(
            config: config, store: store, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, clock: { clock.now },
            random: { 0.5 })
        if let classify { poller.classify = classify }
        return try poller.poll(all: all)
    }

    func record(_ index: Int = 0) throws -> FeedRecord {
        try #require(try store.feed(url: config.feeds[index].url))
    }

    func items(_ index: Int = 0) throws -> [StoredItem] {
        try store.items(feedURL: config.feeds[index].url)
    }
}

/// An RSS 2.0 feed whose items are (guid, title) pairs.
func rssFeed(_ items: [(guid: String, title: String)], extra: String = "") -> [UInt8] {
    var text = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Test feed</title><link>https://t.example/</link>\(extra)"
    for item in items {
        text += "<item><guid>\(item.guid)</guid><title>\(item.title)</title><link>https://t.example/\(item.guid)</link></item>"
    }
    return Array((text + "</channel></rss>").utf8)
}
