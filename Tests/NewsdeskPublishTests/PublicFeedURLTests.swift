import Testing

@testable import NewsdeskConfig
@testable import NewsdeskPublish

@Suite struct PublicFeedURLTests {
    /// The id is SHA-256 (swift-crypto's) of the URL without user information: pinned, because
    /// readers keep it, so it must not change between versions.
    @Test func theSourceIDIsTheStartOfTheSHA256OfTheURLWithoutCredentials() {
        #expect(PublicFeedURL.sourceID("abc") == "urn:newsdesk:feed:ba7816bf8f01cfea414140de5dae2223")
        #expect(PublicFeedURL.sourceID("https://u:p@a.example/f") == PublicFeedURL.sourceID("https://a.example/f"))
    }

    @Test func credentialsAndQueriesNeverShowInWhatIsPublished() {
        let url = "http://alice:hunter2-pw@host.example:8080/feed?token=abc123secret&page=2#top"
        #expect(PublicFeedURL.redacted(url) == "http://host.example:8080/feed")
        #expect(PublicFeedURL.link(url) == nil)
        #expect(PublicFeedURL.link("https://host.example/feed.xml") == "https://host.example/feed.xml")
        #expect(PublicFeedURL.link("https://host.example/feed?page=2") == nil)
        #expect(PublicFeedURL.link("https://bob@host.example/feed") == nil)
        let id = PublicFeedURL.sourceID(url)
        #expect(id.hasPrefix("urn:newsdesk:feed:") && id.count == "urn:newsdesk:feed:".count + 32)
        for secret in ["alice", "hunter2", "abc123secret", "token"] { #expect(!id.contains(secret)) }
        #expect(PublicFeedURL.secrets(of: url) == ["alice:hunter2-pw@", "hunter2-pw", "abc123secret"])
        #expect(PublicFeedURL.secrets(of: "https://me:news@x.example/?format=feedburner&id=12345678") == ["me:news@", "12345678"])
        // Keys of letters only, of digits only, or percent-encoded are keys too; words are not.
        #expect(
            PublicFeedURL.secrets(of: "https://x.example/f?key=SomeSecretWord&pin=482913&t=a%2Bb%2Fc%3D%3Dd") == [
                "SomeSecretWord", "482913", "a%2Bb%2Fc%3D%3Dd", "a+b/c==d",
            ])
        #expect(PublicFeedURL.secrets(of: "https://x.example/f?category=business&lang=en&page=2&sort=Newest").isEmpty)
        // A password in the user information is the last "@" before the path: an "@" in the
        // password does not end it, and one in the path or query is no user information.
        #expect(PublicFeedURL.redacted("https://me:p@ss@host.example/a") == "https://host.example/a")
        #expect(PublicFeedURL.redacted("https://host.example/@user/feed") == "https://host.example/@user/feed")
        #expect(PublicFeedURL.redacted("https://host.example?mail=a@b") == "https://host.example")
        #expect(PublicFeedURL.redacted("file:///var/feeds/local.xml") == "file:///var/feeds/local.xml")
    }

    @Test func theSourceIDIsStableAndIgnoresOnlyTheCredentials() {
        let id = PublicFeedURL.sourceID("http://host.example/feed?token=abc")
        // SHA-256 of the URL as written, without user information (hashlib agrees).
        #expect(id == "urn:newsdesk:feed:3b11211f95dc1b2f1574a86df4e3a7f4")
        #expect(PublicFeedURL.sourceID("http://a:old-password@host.example/feed?token=abc") == id)
        #expect(PublicFeedURL.sourceID("http://host.example/feed?token=abd") != id)
        #expect(PublicFeedURL.sourceID("http://host.example/feed") != id)
    }
}
