import Foundation
import Testing

@testable import NewsdeskParse
@testable import NewsdeskPublish

@Suite struct HTMLWriterTests {
    @Test func aScriptThatNamesItsLanguageGivesTheTitleItsLang() {
        #expect(HTMLWriter.language(of: "梅罗港码头街夜市周五重新开张") == "zh")
        #expect(HTMLWriter.language(of: "苹果发布 iPhone 17") == "zh")
        #expect(HTMLWriter.language(of: "東京で地震、けが人なし") == "ja")
        #expect(HTMLWriter.language(of: "서울 지하철 파업 종료") == "ko")
        #expect(HTMLWriter.language(of: "Σεισμός στην Αθήνα") == "el")
        #expect(HTMLWriter.language(of: "רעידת אדמה בצפון") == "he")
        #expect(HTMLWriter.language(of: "Harbour reopens after storm") == nil)
        #expect(HTMLWriter.language(of: "Xi Jinping (习近平) visits the harbour at Port Merrow") == nil)
        #expect(HTMLWriter.language(of: "Москва: пожар на складе") == nil, "Cyrillic is shared by many languages")
        #expect(HTMLWriter.language(of: "2026 — 12") == nil)
        #expect(HTMLWriter.languageAttributes("海港日报") == " lang=\"zh\" dir=\"auto\"")
        #expect(HTMLWriter.languageAttributes("Tidewire") == " dir=\"auto\"")
    }

    @Test func textIsEscapedAndWhatHTMLForbidsIsDropped() {
        #expect(HTMLWriter.text("<script>a & \"b\" 'c'</script>") == "&lt;script&gt;a &amp; &quot;b&quot; &#39;c&#39;&lt;/script&gt;")
        let noncharacters = [0xFFFF, 0xFDD0, 0x1FFFE].compactMap(Unicode.Scalar.init).map(String.init)
        #expect(HTMLWriter.text("a\u{07}b\u{85}c" + noncharacters.joined(separator: "d") + "e\nline") == "a b cdde line")
        #expect(HTMLWriter.text("spoof\u{202E}gnp") == "spoofgnp")
    }

    @Test func linksBetweenPagesAreRelativeToThePage() {
        #expect(HTMLWriter.relative("archive/2026/11/27/06.html", from: "archive/2026/11/27/05.html") == "06.html")
        #expect(HTMLWriter.relative("archive/2026/11/28/00.html", from: "archive/2026/11/27/23.html") == "../28/00.html")
        #expect(HTMLWriter.relative("index.html", from: "archive/2026/11/27/05.html") == "../../../../index.html")
        #expect(HTMLWriter.relative("archive/2026/11/27/05.html", from: "index.html") == "archive/2026/11/27/05.html")
        #expect(HTMLWriter.relative("ranked.atom", from: "index.html") == "ranked.atom")
    }

    @Test func thePolicyAllowsTheStyleByItsHashAndNothingElse() throws {
        let page = WebPage(
            heading: "Top news", subtitle: "As of now", feedTitle: "Feed", path: "index.html", atomPath: "ranked.atom",
            stories: [], redThreshold: 60)
        let html = HTMLWriter.render(page)
        let style = try #require(
            html.range(of: "<style>").flatMap { start in
                html.range(of: "</style>").map { String(html[start.upperBound..<$0.lowerBound]) }
            })
        #expect(style == HTMLWriter.style)
        #expect(HTMLWriter.contentSecurityPolicy.hasPrefix("default-src 'none'; style-src 'sha256-"))
        #expect(!html.contains("<script") && !html.contains("http-equiv=\"refresh\""))
        #expect(html.contains("No story had new coverage in this period."))
    }
}
