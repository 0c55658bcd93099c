import Foundation
import TestSupport
import Testing

@Suite struct StoryCommandTests {
    @Test func clusterReadsJSONLinesAndPrintsOneStoryPerItem() throws {
        let input = """
            {"id": "1", "source": "a.example", "title": "Ceasefire announced in Gaza after weeks of talks", "published": "2014-03-10T10:00:00Z"}
            {"id": 2, "source": "b.example", "title": "Gaza ceasefire agreed following weeks of negotiations", "published": "2014-03-10T11:00:00Z"}
            {"id": "3", "source": "c.example", "title": "Museum returns stolen painting", "link": "https://c.example/m", "published": "2014-03-10T12:00:00Z"}
            {"id": "4", "source": "d.example", "title": "Gaza ceasefire agreed following weeks of negotiations", "published": "2014-03-14T11:00:00Z"}
            """
        let path = try BinaryRunner.temporaryFile(input, suffix: ".jsonl")
        let run = try BinaryRunner.run(["cluster"], stdin: path)
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
        #expect(lines.count == 4)
        let stories = lines.map { $0?["story"] ?? "" }
        #expect(lines.map { $0?["id"] } == ["1", "2", "3", "4"])
        #expect(stories[0] == stories[1] && stories[2] != stories[0])
        #expect(stories[3] != stories[1])  // four days later: outside the 48 h window
        let bad = try BinaryRunner.run(["cluster"], stdin: try BinaryRunner.temporaryFile("{\"id\": \"1\"}\nnot json\n"))
        #expect(bad.status == 1 && bad.stderr.contains("stdin:2: not a JSON object"))
    }

    @Test func storiesPrintsTheRankingWithSourcesAndBreakdown() throws {
        let body = """
            <?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
            <item><title>Ceasefire announced in Gaza after weeks of talks</title><link>https://wire.example/1</link></item>
            </channel></rss>
            """
        let other = body.replacingOccurrences(of: "Wire", with: "Post").replacingOccurrences(of: "wire.example/1", with: "post.example/9")
            .replacingOccurrences(
                of: "Ceasefire announced in Gaza after weeks of talks", with: "Gaza ceasefire agreed after weeks of talks")
        let server = try LocalHTTPServer(routes: ["/wire": .init(text: body), "/post": .init(text: other)])
        defer { server.stop() }
        let folder = try BinaryRunner.temporaryFolder()
        let config = """
            [newsdesk]
            state = "s.sqlite"
            allow_private_networks = true
            [[feed]]
            url = "\(server.baseURL)/wire"
            [[feed]]
            url = "\(server.baseURL)/post"
            [[rule]]
            match = "ceasefire"
            adjust = 5
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        let once = try BinaryRunner.run(["once", "--config", folder + "/feeds.conf"])
        #expect(once.stdout.contains("stories: 2 items placed, 1 new stories, 0 merged"))
        let run = try BinaryRunner.run(["stories", "--json", "--config", folder + "/feeds.conf"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(list.count == 1)
        let story = list[0]
        #expect((story["id"] as? String)?.hasPrefix("story-") == true)
        #expect(story["title"] as? String == "Ceasefire announced in Gaza after weeks of talks")
        #expect(story["link"] as? String == "https://wire.example/1")
        let sources = try #require(story["sources"] as? [[String: Any]])
        #expect(sources.map { $0["name"] as? String } == ["Wire", "Post"])
        #expect(sources.map { $0["link"] as? String } == ["https://wire.example/1", "https://post.example/9"])
        let breakdown = try #require(story["breakdown"] as? [String: Any])
        #expect((breakdown["rules"] as? [String: Int]) == ["ceasefire": 5])
        let score = try #require(story["score"] as? Int)
        #expect((0...100).contains(score) && breakdown["total"] as? Int == score)
        let table = try BinaryRunner.run(["stories", "--config", folder + "/feeds.conf"])
        #expect(table.stdout.contains("1. \(score >= 60 ? "🔴" : "🔵") \(score)/100  Ceasefire announced in Gaza after weeks of talks"))
        #expect(table.stdout.contains("2 sources, weight 1.0, +2 in the last hour, rule 'ceasefire' +5"))
    }

    /// The heavier feed leads the story; the one that carried it first is named as such, in
    /// `stories --json`, the digest and the Atom summary.
    @Test func theFirstToReportAStoryIsNamed() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func write(_ name: String, _ titles: [String]) throws {
            try Data(TinyFeed.rss(titles, host: "\(name).example").utf8).write(to: URL(fileURLWithPath: "\(folder)/\(name).rss"))
        }
        try write("post", ["Gaza ceasefire agreed after weeks of talks"])
        try write("wire", [])
        let config = """
            [newsdesk]
            state = "s.sqlite"
            [[feed]]
            url = "file:wire.rss"
            name = "Wire"
            weight = 2.0
            [[feed]]
            url = "file:post.rss"
            name = "Post"
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: folder + "/feeds.conf"))
        let arguments = ["once", "--all", "--config", folder + "/feeds.conf"]
        #expect(try BinaryRunner.run(arguments, environment: ["NEWSDESK_NOW": "2026-11-27T05:10:00Z"]).status == 0)
        try write("wire", ["Ceasefire announced in Gaza after weeks of talks"])
        let second = try BinaryRunner.run(arguments, environment: ["NEWSDESK_NOW": "2026-11-27T05:40:00Z"])
        #expect(second.stdout.contains("1 items placed, 0 new stories"), "\(second.stdout)")
        let run = try BinaryRunner.run(["stories", "--json", "--window", "3000d", "--config", folder + "/feeds.conf"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]], "\(run.stderr)")
        let story = try #require(list.first)
        #expect((story["sources"] as? [[String: Any]])?.first?["name"] as? String == "Wire")
        #expect(story["first_reported_by"] as? String == "Post")
        let digest = try String(contentsOfFile: folder + "/public/digest/latest.md", encoding: .utf8)
        #expect(digest.contains("First reported by [Post](https://post.example/0)."), "\(digest)")
        let atom = try String(contentsOfFile: folder + "/public/ranked.atom", encoding: .utf8)
        #expect(atom.contains("First reported by Post"), "\(atom)")
    }
}
