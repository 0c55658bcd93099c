import Foundation
import GRDB
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
        // The output folder served as any static web server would.
        let web = try LocalHTTPServer { request in
            guard request.path == "/ranked.atom", let data = FileManager.default.contents(atPath: ranked) else { return .init(status: 404) }
            return .init(headers: ["Content-Type": "application/atom+xml"], body: [UInt8](data))
        }
        defer { web.stop() }
        let reader = try BinaryRunner.temporaryFolder()
        try Data("\(web.baseURL)/ranked.atom\n".utf8).write(to: URL(fileURLWithPath: reader + "/urls"))
        try Data("reload-threads 1\n".utf8).write(to: URL(fileURLWithPath: reader + "/config"))

        func reload() throws -> [(title: String, url: String, guid: String)] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/newsboat")
            process.arguments = ["-x", "reload", "-u", reader + "/urls", "-c", reader + "/cache.db", "-C", reader + "/config"]
            process.environment = ["HOME": reader, "PATH": "/usr/bin:/bin"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let db = try DatabaseQueue(path: reader + "/cache.db")
            return try db.read { db in
                try Row.fetchAll(db, sql: "SELECT title, url, guid FROM rss_item ORDER BY id").map { ($0["title"], $0["url"], $0["guid"]) }
            }
        }

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
}
