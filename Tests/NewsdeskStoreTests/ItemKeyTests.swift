import Foundation
import Testing

@testable import NewsdeskBase
@testable import NewsdeskParse
@testable import NewsdeskStore

@Suite struct ItemKeyTests {
    func item(guid: String?, link: String?, title: String? = "T") -> FeedItem {
        var item = FeedItem()
        item.guid = guid
        item.link = link
        item.title = title
        return item
    }

    @Test func guidThenCanonicalLinkThenHash() {
        let (keys, mode) = ItemKey.keys(
            for: [
                item(guid: "g1", link: "https://a.example/1"), item(guid: nil, link: "HTTP://www.A.example/2/?utm_source=rss"),
                item(guid: "", link: nil, title: "No link"),
            ], mode: .guid)
        #expect(mode == .guid)
        #expect(keys[0] == "g:g1" && keys[1] == "l:https://a.example/2")
        #expect(keys[2].hasPrefix("h:") && keys[2].count == 18)
    }

    @Test func repeatedGuidsThenRepeatedLinksFallBackForTheWholeFeed() {
        let sameGuid = ItemKey.keys(
            for: [item(guid: "x", link: "https://a.example/1"), item(guid: "x", link: "https://a.example/2")], mode: .guid)
        #expect(sameGuid.mode == .link && sameGuid.keys == ["l:https://a.example/1", "l:https://a.example/2"])
        let sameLink = ItemKey.keys(
            for: [item(guid: "x", link: "https://a.example/"), item(guid: "x", link: "https://a.example", title: "U")], mode: .guid)
        #expect(sameLink.mode == .hash && Set(sameLink.keys).count == 2)
        // Once fallen back, a feed stays there even when its next document looks fine.
        #expect(ItemKey.keys(for: [item(guid: "fine", link: "https://a.example/9")], mode: .link).keys == ["l:https://a.example/9"])
    }
}

@Suite struct CanonicalURLTests {
    @Test func foldsWhatDoesNotNameADifferentArticle() {
        let same = [
            "https://example.com/news/story?id=7&page=2",
            "HTTP://WWW.Example.COM:80/news/story/?page=2&id=7#comments",
            "https://example.com:443/news/story?utm_source=rss&utm_medium=feed&page=2&fbclid=abc&id=7",
            "https://amp.example.com/news/story/amp/?id=7&page=2",
            "https://m.example.com/news/story?id=7&page=2&gclid=1&mc_cid=2&mc_eid=3&igshid=4&ref=tw&ref_src=x",
        ]
        for url in same { #expect(CanonicalURL.key(url) == "https://example.com/news/story?id=7&page=2", "\(url)") }
        #expect(CanonicalURL.key("https://example.com/a/b.amp.html") == "https://example.com/a/b.html")
        #expect(CanonicalURL.key("https://example.com/") == "https://example.com")
    }

    @Test func keepsWhatDoes() {
        #expect(CanonicalURL.key("https://example.com/a?id=1") != CanonicalURL.key("https://example.com/a?id=2"))
        #expect(CanonicalURL.key("https://example.com/A") != CanonicalURL.key("https://example.com/a"))
        #expect(CanonicalURL.key("https://example.com:8080/a") == "https://example.com:8080/a")
        #expect(CanonicalURL.key("urn:uuid:1234") == "urn:uuid:1234")
        #expect(CanonicalURL.key("https://news.example.org/x") == "https://news.example.org/x")
    }
}
