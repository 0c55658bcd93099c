import Foundation
import Testing

@testable import NewsdeskBase
@testable import NewsdeskStories

@Suite struct StoryClustererTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// Unrelated headlines first, so word weights (idf) are those of a realistic stream.
    static let background = [
        "Central bank holds interest rates steady", "Storm closes schools across the region",
        "Local team wins championship after extra time", "City council approves new budget",
        "Scientists discover new species of frog", "Film festival opens with record crowds",
        "Airline cancels flights over strike", "Museum returns stolen painting",
        "Hospital opens new cancer wing", "Tech firm reports record profits",
        "Farmers protest over fuel prices", "Police arrest suspect in bank robbery",
        "Police appeal for witnesses after crash", "Government minister defends tax plan",
        "Police arrest protesters outside parliament", "Minister says government will review police powers",
    ]

    func clusterer(window: TimeInterval = 48 * 3_600) -> StoryClusterer {
        var parameters = StoryClusterer.Parameters()
        parameters.window = window
        let clusterer = StoryClusterer(parameters: parameters)
        for (index, title) in Self.background.enumerated() {
            clusterer.add(ClusterItem(source: "bg", title: title, time: start), newKey: "bg\(index)")
        }
        return clusterer
    }

    func add(_ clusterer: StoryClusterer, _ title: String, source: String = "s", link: String? = nil, hours: Double = 0) -> Int {
        clusterer.add(
            ClusterItem(
                source: source, title: title, canonicalLink: link.map(CanonicalURL.key), time: start.addingTimeInterval(hours * 3_600)),
            newKey: "story-\(title)-\(hours)")
    }

    @Test func englishParaphrasesOfOneEventBecomeOneStory() {
        let c = clusterer()
        let handles = [
            add(c, "Ceasefire announced in Gaza after weeks of talks", source: "a"),
            add(c, "Gaza ceasefire agreed following weeks of negotiations", source: "b"),
            add(c, "Israel and Hamas agree Gaza ceasefire", source: "c"),
            add(c, "Gaza ceasefire to start on Sunday after weeks of talks", source: "d"),
        ]
        #expect(Set(handles.map(c.key(of:))).count == 1)
    }

    @Test func theSameEventInChineseFromTwoSourcesIsOneStoryAndAnotherStaysApart() {
        let c = clusterer()
        let a1 = add(c, "华为发布新款折叠屏手机Mate X5", source: "sina")
        let a2 = add(c, "华为新款折叠屏手机Mate X5正式发布", source: "ifeng")
        let b1 = add(c, "台风杜苏芮在福建晋江登陆", source: "xinhua")
        let b2 = add(c, "强台风杜苏芮登陆福建沿海", source: "chinanews")
        let other = add(c, "沪深股市周五小幅收涨", source: "sina")
        #expect(c.key(of: a1) == c.key(of: a2))
        #expect(c.key(of: b1) == c.key(of: b2))
        #expect(Set([c.key(of: a1), c.key(of: b1), c.key(of: other)]).count == 3)
    }

    @Test func differentEventsSharingWordsStayApart() {
        let c = clusterer()
        // Common news words (police, arrest, minister, government) weigh little: the rare ones decide.
        let london = add(c, "Police arrest man after stabbing at London station", source: "a")
        let chicago = add(c, "Police arrest two after shooting at Chicago mall", source: "b")
        let london2 = add(c, "London station stabbing: police arrest man", source: "c")
        let quake = add(c, "Strong earthquake strikes northern Japan, tsunami warning issued", source: "d")
        let election = add(c, "Japan prime minister calls snap election in northern districts", source: "e")
        #expect(c.key(of: london) == c.key(of: london2))
        #expect(c.key(of: chicago) != c.key(of: london))
        #expect(c.key(of: election) != c.key(of: quake))
    }

    @Test func chainsDoNotGlueUnrelatedItems() {
        // B shares half of A's words; C shares three of B's words and none of A's. Against B
        // alone C clears the one-item bar; against the A+B centroid it does not.
        let c = clusterer()
        let a = add(c, "alpha bravo charlie delta echo foxtrot")
        let b = add(c, "delta echo foxtrot golf hotel india")
        let chained = add(c, "golf hotel india juliet kilo lima mike november oscar")
        #expect(c.key(of: a) == c.key(of: b))
        #expect(c.key(of: chained) != c.key(of: a))
        let alone = clusterer()
        let single = add(alone, "delta echo foxtrot golf hotel india")
        let pair = add(alone, "golf hotel india juliet kilo lima mike november oscar")
        #expect(alone.key(of: pair) == alone.key(of: single))
    }

    @Test func itemsFurtherApartThanTheWindowStartANewStory() {
        let c = clusterer()
        let first = add(c, "Volcano erupts on Iceland peninsula", hours: 0)
        let soon = add(c, "Iceland volcano erupts again near town", hours: 20)
        let late = add(c, "Volcano erupts on Iceland peninsula", hours: 20 + 48 + 1)
        #expect(c.key(of: first) == c.key(of: soon))
        #expect(c.key(of: late) != c.key(of: first))
    }

    @Test func theSameCanonicalLinkIsTheSameArticleWhateverTheTitle() {
        let c = clusterer()
        let one = add(c, "Minister resigns", source: "a", link: "https://news.example/politics/minister?utm_source=rss")
        let two = add(c, "Breaking: a surprise at the cabinet", source: "b", link: "https://www.news.example/politics/minister/#top")
        #expect(c.key(of: one) == c.key(of: two))
    }

    @Test func restoredStoriesTakeNewItemsAfterARestart() {
        let c = clusterer()
        c.restore(ClusterItem(source: "a", title: "Ceasefire announced in Gaza after weeks of talks", time: start), key: "story-old")
        let joined = add(c, "Gaza ceasefire agreed following weeks of negotiations", source: "b")
        #expect(c.key(of: joined) == "story-old")
    }

    @Test func mergedStoriesKeepTheOlderKey() {
        let c = clusterer()
        c.restore(ClusterItem(source: "a", title: "Parliament passes climate bill", time: start), key: "story-older")
        c.restore(ClusterItem(source: "b", title: "Climate bill clears parliament vote", time: start), key: "story-newer")
        _ = add(c, "Parliament passes landmark climate bill after vote", source: "c")
        let merges = c.drainMerges()
        #expect(merges.count == 1)
        #expect(merges.first?.from == "story-newer" && merges.first?.into == "story-older")
    }
}
