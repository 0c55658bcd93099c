import Foundation
import Testing

@testable import NewsdeskStories

@Suite struct TextFeaturesTests {
    @Test func wordsAreFoldedAndFunctionWordsDropped() {
        #expect(TextFeatures.tokens("The U.S. Senate's votes on the Budget") == ["us", "senate", "vote", "budget"])
        #expect(TextFeatures.tokens("ＦＵＬＬ-width Ｔｅｘｔ") == ["fullwidth", "text"])  // NFKC
        #expect(TextFeatures.tokens("Café déjà vu") == ["café", "déjà", "vu"])
    }

    @Test func chineseJapaneseAndThaiBecomeBigrams() {
        #expect(TextFeatures.tokens("国务院发布") == ["国务", "务院", "院发", "发布"])
        #expect(TextFeatures.tokens("東京で地震") == ["東京", "京で", "で地", "地震"])
        #expect(TextFeatures.tokens("Apple发布iPhone") == ["apple", "发布", "iphone"])
        #expect(TextFeatures.tokens("ข่าว").count == 3)
    }
}
