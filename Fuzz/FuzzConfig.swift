// libFuzzer entry point for the config reader, whole: `ConfigLoader.parse` over TOMLKit and the
// toml++ parser under it (both compiled by Fuzz/build.sh with coverage and ASan from SwiftPM's
// checkout), then Newsdesk's own checks of every key. Checks besides not crashing: a config that
// is refused names at least one problem, and every line a problem names is a line of the text;
// a config that is accepted has only http(s) and file: feed URLs, none twice, weights of at
// least 0, positive intervals, and a publishing period that tiles the day. The line finder and the duration and
// size readers are also driven directly on pieces of the text: every duration read is written
// back and read again unchanged; sizes stay positive.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.utf8.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }  // "\r\n" is one Character
    checkLoader(text, lines: lines)
    let locator = ConfigKeyLocator(text: text)
    for (table, key) in [
        ("newsdesk", "state"), ("newsdesk", nil), ("feed#0", "url"), ("feed#1", "interval"), ("", "x"), ("rule#0", "match"),
    ] {
        if let line = locator.line(table: table, key: key), !(1...lines).contains(line) {
            fatalError("line \(line) of a \(lines)-line text for \(table).\(key ?? "")")
        }
    }
    for piece in text.split(whereSeparator: { $0 == "\n" || $0 == "=" || $0 == "\"" }).prefix(8) {
        if let duration = ConfigValue.duration(String(piece)) {
            let written = ConfigValue.format(duration)
            guard ConfigValue.duration(written) == duration else { fatalError("\(piece.debugDescription) -> \(written)") }
        }
        if let bytes = ConfigValue.size(String(piece)), bytes <= 0 { fatalError("size \(bytes) from \(piece.debugDescription)") }
    }
    return 0
}

private func checkLoader(_ text: String, lines: Int) {
    let config: Config
    do {
        config = try ConfigLoader.parse(text: text, path: "/fuzz/feeds.conf")
    } catch {
        if error.problems.isEmpty { fatalError("a refused config with no problem named") }
        for problem in error.problems {
            if let line = problem.line, !(1...max(lines, 1)).contains(line) {
                fatalError("problem on line \(line) of a \(lines)-line text: \(problem)")
            }
            if problem.message.isEmpty { fatalError("a problem without a message: \(problem)") }
        }
        return
    }
    var seen = Set<String>()
    for feed in config.feeds {
        let scheme = feed.fetchURL.prefix(while: { $0 != ":" }).lowercased()
        guard ["http", "https", "file"].contains(scheme) else { fatalError("accepted feed URL \(feed.fetchURL)") }
        guard seen.insert(ConfigLoader.comparableURL(feed.url)).inserted else { fatalError("feed \(feed.url) accepted twice") }
        guard feed.weight >= 0, feed.weight.isFinite else { fatalError("weight \(feed.weight) accepted") }
        if let interval = feed.interval, interval <= .zero { fatalError("interval \(interval) accepted") }
        if let line = feed.line, !(1...max(lines, 1)).contains(line) { fatalError("feed on line \(line) of \(lines)") }
    }
    let period = config.settings.publishEvery.components.seconds
    guard period >= 60, 86_400 % period == 0 else { fatalError("publish_every \(period) s accepted") }
}
