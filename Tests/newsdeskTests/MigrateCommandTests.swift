import Foundation
import TestSupport
import Testing

/// `newsdesk migrate --to`: an SQLite state copied into PostgreSQL, checked, and the same state
/// there: the same stories, under the same ids, and nothing fetched anew.
@Suite struct MigrateCommandTests {
    @Test func aStateCopiedToPostgresReadsTheSame() throws {
        let server = try PublishCommandTests.server()
        defer { server.stop() }
        let folder = try PublishCommandTests.folder(server)
        let config = folder + "/feeds.conf"
        _ = try PublishCommandTests.once(folder, at: "2026-11-27T05:30:00Z")
        let environment = ["NEWSDESK_NOW": "2026-11-27T05:40:00Z"]
        let before = try BinaryRunner.run(["stories", "--json", "--config", config], environment: environment)
        #expect(before.status == 0, "\(before.stderr)")
        let database = try PostgresServer.shared.get().database()
        let withPassword = database.replacingOccurrences(of: "newsdesk@", with: "newsdesk:pa55word@")
        let copy = try BinaryRunner.run(["migrate", "--config", config, "--to", withPassword])
        #expect(copy.status == 0, "\(copy.stderr)")
        #expect(copy.stdout.contains("feed: 6 rows\nstory: 2 rows\nitem: 6 rows"), "\(copy.stdout)")
        #expect(copy.stdout.contains("counts equal"))
        #expect(!(copy.stdout + copy.stderr).contains("pa55word"))
        // Again into the same database: refused, nothing changed there.
        let again = try BinaryRunner.run(["migrate", "--config", config, "--to", database])
        #expect(again.status == 3)
        #expect(again.stderr.contains("already holds a state"))
        var text = try String(contentsOfFile: config, encoding: .utf8)
        text = text.replacingOccurrences(of: "state = \"state.sqlite\"", with: "state = \"\(database)\"")
        try Data(text.utf8).write(to: URL(fileURLWithPath: config))
        let after = try BinaryRunner.run(["stories", "--json", "--config", config], environment: environment)
        #expect(after.status == 0, "\(after.stderr)")
        #expect(after.stdout == before.stdout)
        #expect(!after.stdout.isEmpty)
        // The feeds' validators and schedule came along: a cycle now fetches nothing new.
        let next = try PublishCommandTests.once(folder, at: "2026-11-27T05:45:00Z", all: false)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stdout.contains("0 new items") || next.stdout.contains("polled 0"), "\(next.stdout)")
    }
}
