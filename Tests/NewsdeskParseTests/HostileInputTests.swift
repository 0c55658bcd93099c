import FeedTestSupport
import Foundation
import TestSupport
import Testing

@testable import NewsdeskParse

@Suite("Hostile input: external entities, entity bombs, depth, size, junk bytes")
struct HostileInputTests {
    @Test func externalFileEntityIsNeverRead() throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-xxe-\(UUID().uuidString).txt")
        try Data("TOP-SECRET-CONTENT".utf8).write(to: secret)
        defer { try? FileManager.default.removeItem(at: secret) }
        let document = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY xxe SYSTEM "\(secret.absoluteString)"><!ENTITY % pe SYSTEM "\(secret.absoluteString)"> %pe;]>
            <rss version="2.0"><channel><title>X</title>
            <item><title>leak: &xxe;</title><description>&xxe;</description></item></channel></rss>
            """
        let feed = try parse(document)
        let everything = String(reflecting: feed)
        #expect(!everything.contains("TOP-SECRET"))
        #expect(feed.items.count == 1)
    }

    @Test func externalHTTPEntityMakesNoConnection() throws {
        let listener = try LoopbackListener()
        let document = """
            <?xml version="1.0"?>
            <!DOCTYPE rss SYSTEM "http://127.0.0.1:\(listener.port)/dtd" [<!ENTITY remote SYSTEM "http://127.0.0.1:\(listener.port)/x">]>
            <rss version="2.0"><channel><title>X</title><item><title>r &remote;</title></item></channel></rss>
            """
        let feed = try parse(document)
        #expect(feed.items.first?.title == "r")
        #expect(listener.connectionsWaiting() == 0, "the parser must not connect anywhere")
    }

    @Test func billionLaughsIsRejectedQuickly() throws {
        var entities = "<!ENTITY lol0 \"lollollollollollollollollollol\">"
        for level in 1...12 {
            let previous = String(repeating: "&lol\(level - 1);", count: 10)
            entities += "<!ENTITY lol\(level) \"\(previous)\">"
        }
        let document =
            "<?xml version=\"1.0\"?><!DOCTYPE rss [\(entities)]><rss version=\"2.0\"><channel><title>B</title><item><title>&lol12;</title></item></channel></rss>"
        let error = try #require(throws: FeedParseError.self) { try parse(document) }
        #expect(error.kind == .malformed)
        #expect(error.message.contains("entity bomb"))
    }

    @Test func quadraticBlowupIsBounded() throws {
        let big = String(repeating: "A", count: 100_000)
        let references = String(repeating: "&big;", count: 20_000)  // 2 GB if expanded
        let document =
            "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY big \"\(big)\">]><rss version=\"2.0\"><channel><title>Q</title><item><title>q</title><description>\(references)</description></item></channel></rss>"
        do {
            let feed = try parse(document)
            #expect((feed.items.first?.summary?.utf8.count ?? 0) <= 8 << 20)
        } catch let error as FeedParseError {
            #expect(error.kind == .malformed)
        }
    }

    @Test func deepNestingDoesNotCrash() throws {
        let depth = 100_000
        let document = rss(
            "<item><title>Before</title></item><item><title>Deep</title><description>"
                + String(repeating: "<x>", count: depth) + "text" + String(repeating: "</x>", count: depth)
                + "</description></item>")
        let feed = try parse(document)
        #expect(feed.items.first?.title == "Before")
        #expect(feed.warnings.contains { $0.lowercased().contains("depth") })
    }

    /// libxml2 2.9 halts at its depth limit leaving no input unread (a halt empties the input),
    /// so only its disabled SAX says it stopped: a feed with no item before that is `malformed`.
    @Test func depthLimitBeforeAnyItemIsMalformed() throws {
        let depth = 1_000
        let document = rss(
            "<description>" + String(repeating: "<x>", count: depth) + "text" + String(repeating: "</x>", count: depth)
                + "</description><item><title>After</title></item>")
        let error = try #require(parseFailure(document))
        #expect(error.kind == .malformed)
        #expect(error.message.lowercased().contains("depth"))
    }

    @Test func hugeTextNodeIsRefusedByTheCap() throws {
        let body = String(repeating: "x", count: 50 << 20)
        let document = rss("<item><title>Huge</title><description>" + body + "</description></item>")
        #expect(throws: FeedParseError.self) { try parse(document) }
        do {
            _ = try parse(document)
        } catch let error as FeedParseError {
            #expect(error.kind == .tooLarge)
            #expect(error.message.contains("max_body"))
        }
    }

    @Test func hugeTextNodeUnderARaisedCapIsTruncated() throws {
        let body = String(repeating: "y", count: 50 << 20)
        let document = rss("<item><title>Huge</title><description>" + body + "</description></item><item><title>After</title></item>")
        let feed = try parse(document, maxBytes: 64 << 20)
        #expect(feed.items.map(\.title) == ["Huge", "After"])
        #expect((feed.items[0].summary?.utf8.count ?? 0) <= 4 << 20)
        #expect(feed.warnings.contains { $0.contains("bytes of text") })
    }

    @Test func sizeCapHasAClearError() throws {
        let document = rss("<item><title>" + String(repeating: "z", count: 2000) + "</title></item>")
        #expect(throws: FeedParseError(.tooLarge, "document is \(document.utf8.count) bytes, larger than the 1000-byte limit (max_body)")) {
            try parse(document, maxBytes: 1000)
        }
    }

    // Regressions found by fuzzing (Fuzz/regressions).

    @Test func hugeItunesDurationIsIgnoredNotACrash() throws {
        let feed = try parse(
            rss(
                "<item xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\"><title>d</title><itunes:duration>999999999999999999:0</itunes:duration></item>"
            ))
        #expect(feed.items.first?.duration == nil)
        #expect(FeedNormalizer.seconds("1:02:03") == 3723)
        #expect(FeedNormalizer.seconds("9223372036854775807") == nil)
    }

    @Test func manyUnclosedCDATASectionsStayLinear() throws {
        // 12,000 sections that never close: each used to search to the end of the document.
        let sections = String(repeating: "<![CDATA[]]", count: 12_000)
        let document =
            "<rss version=\"2.0\"><channel><title>t</title><item><title>" + sections
            + "</title></item><item><title>after</title></item></channel></rss>"
        let repaired = XMLRepair.repair(Array(document.utf8))
        #expect(repaired.pieces.count == 12_000)
        #expect(repaired.warnings.contains { $0.contains("12000 unclosed CDATA sections") })
        _ = try? parse(document)
    }
}
