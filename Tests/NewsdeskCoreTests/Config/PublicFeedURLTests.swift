import Testing

@testable import NewsdeskCore

@Suite struct PublicFeedURLTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        // 55 and 56 bytes: the padding fits in the last block, then needs one more.
        (String(repeating: "a", count: 55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        (String(repeating: "a", count: 64), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        (String(repeating: "a", count: 1000), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"),
    ])
    func sha256MatchesTheStandardVectors(input: String, digest: String) {
        #expect(SHA256.hex(input.utf8) == digest)
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
        #expect(PublicFeedURL.secrets(of: "https://me:news@x.example/?format=feedburner&id=12345678") == ["me:news@"])
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
