import Foundation
import Testing

@testable import NewsdeskParse

@Suite("Boilerplate: blocks repeated across a feed's items and well-known patterns")
struct BoilerplateTests {
    static let ad = "<p>vCard QR Code is a free platform for creating mobile-friendly digital business cards. Try it today!</p>"

    /// An item whose summary is `html`, excerpt as the parser makes it.
    static func item(_ index: Int, _ html: String, title: String? = nil) -> FeedItem {
        var item = FeedItem(identity: "g\(index)")
        item.title = title ?? "Story number \(index) about things"
        item.summary = html
        item.excerpt = HTMLSanitizer.excerpt(html)
        return item
    }

    static let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]
    static func own(_ index: Int) -> String { "<p>Own paragraph with words only item \(words[index]) has, \(words[index]).</p>" }

    @Test func blocksAreLeafElementsRunsAndDoubleBreaks() {
        let html = "<div><p>one</p><ul><li>two</li><li>three</li></ul>four <b>bold</b><br><br>five</div>six\n\nseven"
        let bytes = Array(html.utf8)
        let texts = Boilerplate.split(bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
        #expect(texts == ["<p>one</p>", "<li>two</li>", "<li>three</li>", "four <b>bold</b>", "five", "six", "seven"])
        let plain = Array("line one\nline two".utf8)
        #expect(Boilerplate.split(plain).count == 2)
    }

    @Test func shapeFoldsCaseDigitsPunctuationAndTheTitle() {
        let title = Boilerplate.shape("Hello, World!")
        #expect(
            Boilerplate.shape("The post “Hello, World!” appeared first on Site 2024.", title: title)
                == "the post \u{1} appeared first on site 2024")
    }

    @Test func aBlockRepeatedInEveryItemGoesAndEachItemsOwnTextStays() {
        let items = (0..<5).map { Self.item($0, Self.own($0) + Self.ad + "<p>Second own paragraph of item \(Self.words[$0]).</p>") }
        let result = BoilerplateFilter().clean(items)
        for (index, item) in result.items.enumerated() {
            #expect(item.summary == Self.own(index) + "<p>Second own paragraph of item \(Self.words[index]).</p>")
            #expect(item.excerpt?.contains("vCard") == false)
            #expect(item.excerpt?.contains(Self.words[index]) == true)
            #expect(result.removedBlocks[index] == 1)
        }
    }

    @Test func aBlockInOneItemOfTenIsKept() {
        let items = (0..<10).map { Self.item($0, Self.own($0) + ($0 == 3 ? Self.ad : "")) }
        let result = BoilerplateFilter().clean(items)
        #expect(result.items == items)
    }

    @Test func twoItemsAreNoEvidence() {
        let items = (0..<2).map { Self.item($0, Self.own($0) + Self.ad) }
        #expect(BoilerplateFilter().clean(items).items == items)
    }

    @Test func anItemWhoseOnlyTextIsTheRepeatedBlockIsNotEmptied() {
        let items = (0..<4).map { Self.item($0, $0 == 0 ? Self.ad : Self.own($0) + Self.ad) }
        let result = BoilerplateFilter().clean(items)
        #expect(result.items[0] == items[0])
        #expect(result.items[1].summary == Self.own(1))
    }

    @Test func aBlockThatIsTheTitleIsTheItemsOwn() {
        let title = "The weekly update from the team"
        let items = (0..<4).map { Self.item($0, "<p>\(title)</p>" + Self.own($0), title: title) }
        #expect(BoilerplateFilter().clean(items).items == items)
    }

    @Test func aLaterPollWithOneNewItemStillLosesTheAd() {
        let first = (0..<3).map { Self.item($0, Self.own($0) + Self.ad) }
        let firstResult = BoilerplateFilter().clean(first)
        let newItem = Self.item(9, Self.own(9) + Self.ad)
        #expect(BoilerplateFilter().clean([newItem]).items == [newItem])  // alone: no evidence
        let second = BoilerplateFilter().clean([newItem], history: firstResult.hashes)
        #expect(second.items[0].summary == Self.own(9))
    }

    @Test func aRememberedBlockStaysBoilerplateBelowTheBar() {
        let items = (0..<8).map { Self.item($0, Self.own($0) + ($0 < 3 ? Self.ad : "")) }
        #expect(BoilerplateFilter().clean(items).items == items)  // 3 of 8: under half
        let hash = Boilerplate.fnv(Boilerplate.shape(HTMLSanitizer.plainText(Self.ad)).utf8)
        let kept = BoilerplateFilter().clean(items, remembered: [hash])
        #expect(kept.items[0].summary == Self.own(0))
    }

    @Test(arguments: [
        "<p>The post <a href=\"https://site.example/a\">A Title Here</a> appeared first on <a href=\"https://site.example\">Site</a>.</p>",
        "<p><a href=\"https://site.example/a\">Continue reading <span>A Title Here</span> →</a></p>",
        "<p>Read more…</p>",
        "<p>This article originally appeared on The Conversation.</p>",
        "<p>This story was originally published by Grist.</p>",
        "<p>Subscribe to our newsletter for the week's best stories.</p>",
        "<div><h3>Share this:</h3><ul><li><a href=\"https://t.example\">Twitter</a></li><li>Facebook</li></ul></div><div><h3>Like this:</h3><p>Like Loading...</p></div>",
    ])
    func trailingPatternsGoWithoutRepetition(tail: String) {
        let own = "<p>The article's own text, long enough to be an article's text.</p>"
        let result = BoilerplateFilter().clean([Self.item(0, own + tail, title: "A Title Here")])
        #expect(result.items[0].summary == own)
        #expect(result.items[0].excerpt == "The article's own text, long enough to be an article's text.")
    }

    @Test func aTrailingPatternInsideTheTextStays() {
        let html = "<p>Read more about it below, as the council voted.</p><p>The vote was close and long.</p>"
        let item = Self.item(0, html)
        #expect(BoilerplateFilter().clean([item]).items == [item])
    }

    @Test(arguments: ["<p>Advertisement</p>", "<p>SPONSORED</p>"])
    func loneAdvertisingLinesGoAnywhere(line: String) {
        let result = BoilerplateFilter().clean([Self.item(0, "<p>First own text.</p>" + line + "<p>Second own text.</p>")])
        #expect(result.items[0].summary == "<p>First own text.</p><p>Second own text.</p>")
    }

    @Test func theEndsOfAFieldAreTrimmed() {
        let ellipsis = BoilerplateFilter().clean([Self.item(0, "<p>The start of a longer text [&#8230;]</p>")])
        #expect(ellipsis.items[0].summary == "<p>The start of a longer text…</p>")
        let link = BoilerplateFilter().clean([
            Self.item(0, "<p>The start of a longer text. <a href=\"https://site.example/a\">Read more</a></p>")
        ])
        #expect(link.items[0].summary == "<p>The start of a longer text.</p>")
    }

    @Test func aSentenceThatOnlyStartsLikeAPatternStays() {
        let html = "<p>Sponsored content rules changed this year, the regulator said on Monday.</p>"
        let item = Self.item(0, html)
        #expect(BoilerplateFilter().clean([item]).items == [item])
    }

    @Test func contentAndSummaryAreCleanedTogetherAndMarkupStaysBalanced() {
        let items = (0..<3).map { index in
            var item = Self.item(index, "<b>Bold start \(Self.words[index]) <p>\(Self.ad.dropFirst(3).dropLast(4))</p> tail</b>")
            item.content = Self.own(index) + Self.ad
            return item
        }
        let result = BoilerplateFilter().clean(items)
        for (index, item) in result.items.enumerated() {
            #expect(item.summary == "<b>Bold start \(Self.words[index])  tail</b>")
            #expect(item.content == Self.own(index))
            #expect(result.removedBlocks[index] == 2)
        }
    }

    /// A feed whose every item opens by restating its title: the leads have one shape once the
    /// title is a mark, and are still each item's own; the ad between them goes.
    @Test func aLeadThatRestatesTheTitleStays() {
        let ad = "<p>vCard QR Code is a free platform for creating mobile-friendly digital business cards.</p>"
        let titles = ["Harbour wall repairs finish early", "Council approves ferry budget", "Lifeboat crew rescues kayakers"]
        let items = titles.enumerated().map { index, title in
            Self.item(index, "<p>\(title), officials said on Monday.</p>\(ad)<p>Residents of area \(index) welcomed it.</p>", title: title)
        }
        let result = BoilerplateFilter().clean(items)
        for (index, title) in titles.enumerated() {
            let summary = result.items[index].summary ?? ""
            #expect(summary.contains("\(title), officials said on Monday.") && !summary.contains("vCard"), "\(summary)")
            #expect(result.items[index].excerpt?.hasPrefix("\(title), officials said") == true)
        }
    }
}
