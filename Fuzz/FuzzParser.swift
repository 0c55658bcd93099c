// libFuzzer entry point for the feed parser (FeedParser.parse and everything under it:
// CharsetDecoder, DoubleEncodingRepair, XMLRepair, libxml2 via nd_xml.c, FeedBuilder,
// FeedNormalizer, HTMLSanitizer/HTMLTokenizer, FeedDate, LinkResolver, Feed+JSON).
//
// Compiled into one module together with the Base, Config and Parse stages by Fuzz/build.sh,
// so internal types are reachable. Not part of the SwiftPM package.
import Foundation

/// HTTP charsets the fuzzer pairs with an input, chosen by its first byte: the labels
/// CharsetDecoder folds, ones only iconv knows, the UTF-16/32 family, and junk.
private let charsets: [String?] = [
    nil, "utf-8", "UTF8", "us-ascii", "iso-8859-1", "latin1", "windows-1252", "utf-16", "UTF-16LE",
    "UTF-16BE", "utf-32", "UTF-32BE", "shift_jis", "euc-jp", "iso-2022-jp", "gb2312", "gbk", "big5",
    "euc-kr", "koi8-r", "windows-1251", "iso-8859-15", "ibm037", "utf-7", " utf-8 ", "x-unknown-charset",
    "", "\u{0}", "UTF-8\"; q=1",
]

private let baseURLs: [URL?] = [
    URL(string: "https://example.com/blog/feed.xml"),
    URL(string: "http://user:pw@例え.jp:8080/a/b/../c/?q=1#frag"),
    URL(string: "file:///tmp/feed.xml"),
    URL(string: "urn:x"),
]

/// A fixed clock, so a run is reproducible ("more than a day in the future" depends on it).
private let parser = FeedParser(options: .init(maxBytes: 16 << 20, now: Date(timeIntervalSince1970: 1_750_000_000)))

@inline(never)
private func run(_ bytes: UnsafeBufferPointer<UInt8>, url: URL?, charset: String?) {
    do {
        let feed = try parser.parse(bytes, url: url, charset: charset)
        // Touch everything the caller would: dates formatted, and the identity, texts and
        // lengths of every item.
        var total = feed.warnings.count &+ (feed.updated.map(FeedDate.rfc3339)?.utf8.count ?? 0)
        for item in feed.items {
            total &+= item.identity.utf8.count &+ (item.excerpt?.count ?? 0) &+ item.enclosures.count
            total &+= (item.published.map(FeedDate.rfc3339)?.utf8.count ?? 0) &+ (item.summary?.utf8.count ?? 0)
            total &+= (item.content?.utf8.count ?? 0) &+ (item.title?.utf8.count ?? 0)
        }
        blackHole(total)
    } catch {
        // FeedParseError is an expected outcome for junk; its description must still be buildable.
        blackHole(error.description.utf8.count)
    }
}

@inline(never)
private func blackHole(_ value: Int) {
    if value == -0x7fff_ffff { print(value) }
}

@c(LLVMFuzzerTestOneInput)
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    // 1. The bytes as fetched with no context.
    run(bytes, url: nil, charset: nil)
    guard let first = bytes.first else { return 0 }
    // 2. With a base URL and an HTTP charset picked by the first byte (the whole input is parsed).
    let charset = charsets[Int(first) % charsets.count]
    let url = baseURLs[Int(first >> 5) % baseURLs.count]
    run(bytes, url: url, charset: charset)
    return 0
}
