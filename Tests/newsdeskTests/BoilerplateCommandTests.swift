import Foundation
import TestSupport
import Testing

/// The real binary on a feed whose every item carries the same injected ad paragraph: the
/// published feed and digest come out without it, each item's own text stays, `status` says so.
@Suite struct BoilerplateCommandTests {
    static let ad = "<p>vCard QR Code is a free platform for creating mobile-friendly digital business cards. Create yours today!</p>"
    /// Three: evidence enough (`per_source_top` shows three stories of one feed).
    static let topics = [
        ("Harbour council approves new ferry terminal", "The council voted to build a ferry terminal at the north quay."),
        ("Orchard growers report record apple harvest", "Growers in the valley picked more apples than in any year before."),
        ("Museum reopens its restored glass gallery", "The gallery of stained glass opens again after two years of work."),
    ]

    static func rss() -> String {
        var items = ""
        for (index, (title, text)) in topics.enumerated() {
            let description = "<p>\(text)</p>\(ad)<p>\(String(title.split(separator: " ").last ?? "")) was the word of the day.</p>"
            items += "<item><title>\(title)</title><link>https://ads.example/\(index)</link><guid>ads-\(index)</guid>"
            items += "<pubDate>Fri, 27 Nov 2026 05:\(10 + index):00 GMT</pubDate>"
            items += "<description><![CDATA[\(description)]]></description></item>"
        }
        return
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Ads Daily</title><link>https://ads.example/</link>\(items)</channel></rss>"
    }

    @Test func anAdInEveryItemIsTakenOutOfTheFeedAndDigestAndStatusCountsIt() throws {
        let server = try LocalHTTPServer { _ in .init(text: Self.rss()) }
        defer { server.stop() }
        let folder = try TinyFeed.folder(feed: server.baseURL + "/feed")
        let once = try BinaryRunner.run(
            ["once", "--all", "--config", folder + "/feeds.conf"], environment: ["NEWSDESK_NOW": "2026-11-27T05:30:00Z"])
        #expect(once.status == 0, "\(once.stderr)")
        let ranked = try String(contentsOfFile: folder + "/public/ranked.atom", encoding: .utf8)
        let digest = try String(contentsOfFile: folder + "/public/digest/latest.md", encoding: .utf8)
        for output in [ranked, digest] {
            #expect(!output.contains("vCard"))
            #expect(!output.contains("business cards"))
            for (_, text) in Self.topics { #expect(output.contains(text), "\(output)") }
        }
        let status = try BinaryRunner.run(["status", "--json", "--config", folder + "/feeds.conf"])
        #expect(status.status == 0, "\(status.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
        #expect(rows.first?["boilerplate_items"] as? Int == 3)
        #expect(rows.first?["boilerplate_blocks"] as? Int == 3)
        #expect(rows.first?["boilerplate_bytes"] as? Int == 3 * Self.ad.utf8.count)
        let table = try BinaryRunner.run(["status", "--config", folder + "/feeds.conf"])
        #expect(table.stdout.contains("boilerplate: 3 blocks / 336 bytes removed from 3 items"), "\(table.stdout)")
    }
}
