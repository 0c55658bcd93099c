import Foundation
import Testing

@testable import NewsdeskConfig
@testable import NewsdeskDaemon
@testable import NewsdeskFetch

/// What `newsdesk add` makes of a URL, with the network answered from memory.
@Suite struct FeedFinderTests {
    static let rss =
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Tiny</title><item><title>One</title></item></channel></rss>"

    /// A finder over `config` whose fetches are answered from `pages` (URL -> body; others 404),
    /// each URL asked for recorded in `asked`.
    static func finder(_ pages: [String: String], config: Config = Config(), asked: Asked = Asked()) -> FeedFinder {
        FeedFinder(config: config, configName: "feeds.conf", allowPrivateNetworks: false) { request, _ throws(FetchError) in
            asked.append(request.url)
            guard let body = pages[request.url] else {
                return FetchResponse(status: 404, effectiveURL: request.url, headers: [:], body: [])
            }
            return FetchResponse(status: 200, effectiveURL: request.url, headers: [:], body: Array(body.utf8))
        }
    }

    final class Asked: @unchecked Sendable {
        private let lock = NSLock()
        private var urls: [String] = []
        func append(_ url: String) { lock.withLock { urls.append(url) } }
        var all: [String] { lock.withLock { urls } }
    }

    @Test func aFeedIsItself() throws {
        let found = try Self.finder(["https://a.example/feed": Self.rss]).find("https://a.example/feed")
        #expect(found.url == "https://a.example/feed" && found.page == nil && found.feed.title == "Tiny")
    }

    @Test func aPageGivesItsFirstTypedFeedAndListsTheRest() throws {
        let page = """
            <html><head><link rel="alternate" type="application/json" href="/wp-json/">
            <link rel="alternate" type="application/atom+xml" href="/atom">
            <link rel="alternate" type="application/rss+xml" href="https://b.example/rss"></head></html>
            """
        let found = try Self.finder(["https://a.example/": page, "https://a.example/atom": Self.rss]).find("https://a.example/")
        #expect(found.url == "https://a.example/atom" && found.page == "https://a.example/")
        #expect(found.others == ["https://b.example/rss"])
    }

    /// A configured feed is refused before anything is fetched, however it is written.
    @Test func aDuplicateIsRefusedUnfetched() throws {
        let config = try ConfigLoader.parse(text: "[[feed]]\nurl = \"https://www.a.example/feed/\"\n", path: "/x/feeds.conf")
        let asked = Asked()
        #expect {
            try Self.finder(["http://A.example/feed": Self.rss], config: config, asked: asked).find("http://A.example/feed")
        } throws: { error in
            (error as? FeedFinder.Failure)?.description
                == "http://A.example/feed: already in feeds.conf as feed[1] at line 1: https://www.a.example/feed/"
        }
        #expect(asked.all.isEmpty)
    }

    @Test func aFailedFetchSaysWhetherAnAddressWasRefused() throws {
        let finder = FeedFinder(config: Config(), configName: "feeds.conf", allowPrivateNetworks: false) { request, _ throws(FetchError) in
            throw FetchError(url: request.url, message: "refused to connect to 10.0.0.1", refusedAddress: true)
        }
        #expect {
            try finder.find("https://a.example/feed")
        } throws: { error in
            let failure = error as? FeedFinder.Failure
            return failure?.refusedAddress == true && failure?.reason == "cannot fetch it: refused to connect to 10.0.0.1"
        }
    }
}
