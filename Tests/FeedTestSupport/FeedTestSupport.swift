import Foundation
import NewsdeskBase
import NewsdeskParse

/// The bytes of `name` under the Fixtures folder of the test target whose `bundle` is given
/// (`.module` there).
public func fixture(_ name: String, in bundle: Bundle) throws -> [UInt8] {
    guard let url = bundle.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
        throw FixtureMissing(name: name)
    }
    return [UInt8](try Data(contentsOf: url))
}

public struct FixtureMissing: Error { public let name: String }

/// A fixed "now" for parses, so date checks do not depend on the day the tests run.
public let testNow = Date(timeIntervalSince1970: 1_750_000_000)  // 2025-06-15T15:06:40Z

/// Parses `text` (UTF-8) with the test clock.
public func parse(_ text: String, url: String? = nil, charset: String? = nil, maxBytes: Int = 16 << 20) throws -> Feed {
    try parse(Array(text.utf8), url: url, charset: charset, maxBytes: maxBytes)
}

public func parse(_ bytes: [UInt8], url: String? = nil, charset: String? = nil, maxBytes: Int = 16 << 20) throws -> Feed {
    let parser = FeedParser(options: .init(maxBytes: maxBytes, now: testNow))
    return try parser.parse(bytes, url: url.flatMap(URL.init(string:)), charset: charset)
}

/// The error parsing `text` throws, or nil when it parses.
public func parseFailure(_ text: String, url: String? = nil) -> FeedParseError? {
    do {
        _ = try parse(text, url: url)
        return nil
    } catch let error as FeedParseError {
        return error
    } catch {
        return nil
    }
}

/// An RSS 2.0 document around `items` (already XML).
public func rss(_ items: String, channel: String = "<title>T</title>") -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>\(channel)\(items)</channel></rss>"
}

public func stamp(_ date: Date?) -> String? { date.map(FeedDate.rfc3339) }
