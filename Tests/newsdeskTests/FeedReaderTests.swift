import Foundation
import GRDB
import NewsdeskParse
import TestSupport
import Testing

/// A real feed reader (newsboat, from Debian; `.ci/run` installs it) subscribed to the ranked
/// feed served from 127.0.0.1.
@Suite struct FeedReaderTests {
    @Test func newsboatSeesEveryEntryAndNothingNewWhenNothingChanged() throws {
        let feeds = try PublishCommandTests.server()
        defer { feeds.stop() }
        let folder = try PublishCommandTests.folder(feeds)
        let ranked = folder + "/public/ranked.atom"
        let web = try Newsboat.serve(ranked)
        defer { web.stop() }
        let reader = try Newsboat(feed: "\(web.baseURL)/ranked.atom")
        func reload() throws -> [Newsboat.Item] { try reader.reload() }

        _ = try PublishCommandTests.once(folder, at: "2026-11-27T05:30:00Z")
        let first = try reload()
        #expect(first.count == 2)
        #expect(Set(first.map(\.title)) == ["Fire breaks out at Port Merrow harbour warehouse", "Regatta draws record entries"])
        #expect(Set(first.map(\.url)) == ["https://o0.example/fire", "https://o5.example/regatta"])
        #expect(first.allSatisfy { $0.guid.hasPrefix("urn:uuid:") })
        _ = try PublishCommandTests.once(folder, at: "2026-11-27T05:45:00Z")  // a second cycle, no news
        let second = try reload()
        #expect(second.map(\.guid) == first.map(\.guid))
    }

    /// A story that gains a source is the same entry with a new `<updated>` (the other entries
    /// keep theirs). newsboat keeps one item for it, takes the new text, and with
    /// `reset-unread-on-update` (its setting for feeds whose entries change) shows it unread again.
    /// (newsboat keeps the date it first stored; readers that go by `<updated>`, as feedparser
    /// does, see the new date.)
    @Test func aStoryThatGrowsIsUpdatedInTheReader() throws {
        let grown = Counter()
        let fire = PublishCommandTests.fire
        let feeds = try LocalHTTPServer { request in
            guard let index = Int(request.path.dropFirst(2)), index < 6 else { return .init(status: 404) }
            if index < 2 || (index < 5 && grown.value > 0) {
                return .init(text: PublishCommandTests.rss(fire[index], link: "https://o\(index).example/fire"))
            }
            return .init(text: PublishCommandTests.rss("Regatta \(index) draws record entries", link: "https://o\(index).example/regatta"))
        }
        defer { feeds.stop() }
        let folder = try PublishCommandTests.folder(feeds)
        let ranked = folder + "/public/ranked.atom"
        let web = try Newsboat.serve(ranked)
        defer { web.stop() }
        let reader = try Newsboat(feed: "\(web.baseURL)/ranked.atom", config: "reset-unread-on-update \"\(web.baseURL)/ranked.atom\"\n")

        #expect(try PublishCommandTests.once(folder, at: "2026-11-27T05:10:00Z").status == 0)
        let atomBefore = try PublishCommandTests.atom(ranked)
        let before = try reader.reload()
        let story = try #require(before.first { $0.title == fire[0] })
        #expect(story.content.contains("2 sources"))
        try reader.markAllRead()

        grown.increment()  // three more outlets carry the fire
        #expect(try PublishCommandTests.once(folder, at: "2026-11-27T05:40:00Z").status == 0)
        let atomAfter = try PublishCommandTests.atom(ranked)
        let updated = Dictionary(atomAfter.items.map { ($0.identity, $0.updated) }, uniquingKeysWith: { a, _ in a })
        for item in atomBefore.items {
            let moved = item.title == fire[0]
            #expect(moved ? updated[item.identity] == FeedDate.parse("2026-11-27T05:40:00Z") : updated[item.identity] == item.updated)
        }
        let after = try reader.reload()
        #expect(after.filter { $0.guid == story.guid }.count == 1, "the same entry, not a second one")
        let now = try #require(after.first { $0.guid == story.guid })
        #expect(now.content.contains("5 sources") && !now.content.contains("2 sources"))
        #expect(now.unread, "shown as updated")
        #expect(after.count == before.count)
    }
}

/// newsboat, from Debian, with a cache and config of its own, subscribed to one feed.
struct Newsboat {
    struct Item {
        var title: String
        var url: String
        var guid: String
        var content: String
        var unread: Bool
    }

    let folder: String

    init(feed: String, config: String = "") throws {
        folder = try BinaryRunner.temporaryFolder()
        try Data("\(feed)\n".utf8).write(to: URL(fileURLWithPath: folder + "/urls"))
        try Data(("reload-threads 1\n" + config).utf8).write(to: URL(fileURLWithPath: folder + "/config"))
    }

    /// The output file served as any static web server would.
    static func serve(_ file: String) throws -> LocalHTTPServer {
        let name = "/" + (file as NSString).lastPathComponent
        return try LocalHTTPServer { request in
            guard request.path == name, let data = FileManager.default.contents(atPath: file) else { return .init(status: 404) }
            return .init(headers: ["Content-Type": "application/atom+xml"], body: [UInt8](data))
        }
    }

    /// Runs newsboat's command `command` (`reload`, `print-unread`), as `newsboat -x` does.
    private func run(_ command: String) throws {
        let result = try BinaryRunner.execute(
            URL(fileURLWithPath: "/usr/bin/newsboat"),
            ["-x", command, "-u", folder + "/urls", "-c", folder + "/cache.db", "-C", folder + "/config"],
            environment: ["HOME": folder, "PATH": "/usr/bin:/bin"])
        #expect(result.status == 0, "newsboat -x \(command): \(result.stderr)")
    }

    /// Fetches the feed and returns every item newsboat keeps, in the order it stored them.
    func reload() throws -> [Item] {
        try run("reload")
        let db = try DatabaseQueue(path: folder + "/cache.db")
        return try db.read { db in
            try Row.fetchAll(db, sql: "SELECT title, url, guid, content, unread FROM rss_item ORDER BY id").map {
                Item(
                    title: $0["title"], url: $0["url"], guid: $0["guid"], content: $0["content"],
                    unread: $0["unread"])
            }
        }
    }

    /// Marks every item read, as a reader who has seen them.
    func markAllRead() throws {
        let db = try DatabaseQueue(path: folder + "/cache.db")
        try db.write { db in try db.execute(sql: "UPDATE rss_item SET unread = 0") }
    }
}
