import Testing

@testable import NewsdeskBase

/// Published links without their tracking parameters (`clean_links`), and nothing else touched.
@Suite struct CanonicalURLTests {
    @Test(arguments: [
        ("https://wire.example/fire?utm_medium=feed&utm_campaign=tidewire-rss", "https://wire.example/fire"),
        ("https://x.example/a?id=7&utm_source=rss&b=2#top", "https://x.example/a?id=7&b=2#top"),
        ("https://x.example/a?FBCLID=1&gclid=2&Page=3", "https://x.example/a?Page=3"),
        ("HTTP://X.example/A?mc_cid=1&mc_eid=2", "HTTP://X.example/A"),
        ("https://x.example/a?_ga=1&&q=%C3%A9", "https://x.example/a?q=%C3%A9"),
        ("https://x.example/a#frag?utm_source=x", "https://x.example/a#frag?utm_source=x"),
    ])
    func trackingParametersGo(_ link: String, _ clean: String) {
        #expect(CanonicalURL.withoutTracking(link) == clean)
    }

    /// What a page may need stays, byte for byte: other parameters, in their order; `ref` (a
    /// code host's branch), `amp`, `share`; a link with nothing to drop; other schemes.
    @Test(arguments: [
        "https://code.example/r/blob/x.swift?ref=main", "https://x.example/a?b=2&a=1", "https://x.example/a?amp=1&share=x&via=y",
        "https://x.example/a?utm", "https://x.example/?", "mailto:a@x.example?utm_source=x", "https://x.example/a?q=utm_source",
    ])
    func whatAPageMayNeedStays(_ link: String) {
        #expect(CanonicalURL.withoutTracking(link) == link)
    }

    @Test func theKeyStillFoldsVariantsAndTracking() {
        #expect(CanonicalURL.key("https://www.x.example/a/?ref=rss&utm_source=x&b=1") == "https://x.example/a?b=1")
    }
}
