import Foundation
import Testing

@testable import NewsdeskBase

@Suite("Relative links, RFC 3986 section 5.4")
struct LinkResolverTests {
    static let base = "http://a/b/c/d;p?q"

    /// The "normal examples" of RFC 3986 section 5.4.1 and most "abnormal" ones of 5.4.2.
    @Test(arguments: [
        ("g", "http://a/b/c/g"), ("./g", "http://a/b/c/g"), ("g/", "http://a/b/c/g/"), ("/g", "http://a/g"),
        ("//g", "http://g"), ("?y", "http://a/b/c/d;p?y"), ("g?y", "http://a/b/c/g?y"), ("#s", "http://a/b/c/d;p?q#s"),
        ("g#s", "http://a/b/c/g#s"), ("g?y#s", "http://a/b/c/g?y#s"), (";x", "http://a/b/c/;x"), ("g;x", "http://a/b/c/g;x"),
        ("g;x?y#s", "http://a/b/c/g;x?y#s"), (".", "http://a/b/c/"), ("./", "http://a/b/c/"), ("..", "http://a/b/"),
        ("../", "http://a/b/"), ("../g", "http://a/b/g"), ("../..", "http://a/"), ("../../", "http://a/"),
        ("../../g", "http://a/g"), ("../../../g", "http://a/g"), ("../../../../g", "http://a/g"), ("/./g", "http://a/g"),
        ("/../g", "http://a/g"), ("g.", "http://a/b/c/g."), (".g", "http://a/b/c/.g"), ("g..", "http://a/b/c/g.."),
        ("..g", "http://a/b/c/..g"), ("./../g", "http://a/b/g"), ("./g/.", "http://a/b/c/g/"), ("g/./h", "http://a/b/c/g/h"),
        ("g/../h", "http://a/b/c/h"), ("g;x=1/./y", "http://a/b/c/g;x=1/y"), ("g;x=1/../y", "http://a/b/c/y"),
        ("g?y/./x", "http://a/b/c/g?y/./x"), ("g#s/../x", "http://a/b/c/g#s/../x"),
    ])
    func rfcExamples(reference: String, expected: String) throws {
        let base = try #require(URL(string: Self.base))
        #expect(LinkResolver.resolve(reference, against: base) == expected)
    }

    @Test func feedShapedLinks() throws {
        let base = try #require(URL(string: "https://news.example/feeds/world.rss"))
        #expect(LinkResolver.resolve("  /story/1 ", against: base) == "https://news.example/story/1")
        #expect(LinkResolver.resolve("img/a b.png", against: base) == "https://news.example/feeds/img/a%20b.png")
        #expect(LinkResolver.resolve("https://other.example/x", against: base) == "https://other.example/x")
        #expect(LinkResolver.resolve("mailto:editor@news.example", against: base) == "mailto:editor@news.example")
        #expect(LinkResolver.resolve("", against: base) == "")
        #expect(LinkResolver.resolve("relative", against: nil) == "relative")
        let noPath = try #require(URL(string: "https://news.example"))
        #expect(LinkResolver.resolve("story", against: noPath) == "https://news.example/story")
    }
}
