// libFuzzer entry point for the config reader, whole: `ConfigLoader.parse` over Newsdesk's own
// TOML parser (Sources/NewsdeskConfig/TOML), then Newsdesk's own checks of every key. Checks
// besides not crashing: a config that is refused names at least one problem, and every line a
// problem names is a line of the text; a config that is accepted has only http(s) and file: feed
// URLs, none twice, weights of at least 0, positive intervals, and a publishing period that tiles
// the day. The TOML parser is also driven on the bytes as they are (not UTF-8 included): an error
// has a line and column within the text, every key and value of a document accepted is placed
// within it too, and every value written back as TOML (`tomlText`) reads back as the same value.
// The duration and size readers are driven directly on pieces of the text: every duration read
// is written back and read again unchanged; sizes stay positive.
import Foundation

@c(LLVMFuzzerTestOneInput)
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.utf8.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }  // "\r\n" is one Character
    checkLoader(text, lines: lines)
    checkParser(Array(UnsafeBufferPointer(start: data, count: size)))
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

private func checkParser(_ bytes: [UInt8]) {
    let lines = bytes.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    func check(_ position: TOMLPosition, _ what: String) {
        guard (1...lines).contains(position.line), position.column >= 1, position.column <= bytes.count + 1 else {
            fatalError("\(what) at \(position) in a \(lines)-line text of \(bytes.count) bytes")
        }
    }
    let table: TOMLTable
    do {
        table = try TOMLParser.parse(bytes: bytes)
    } catch {
        check(error.position, "error \(error.message)")
        if error.message.isEmpty { fatalError("an error without a message at \(error.position)") }
        return
    }
    // Every place in the document, walked with a stack (no recursion, however deep).
    var stack = [TOMLValue(.table(table), at: TOMLPosition(line: 1, column: 1))]
    while let value = stack.popLast() {
        check(value.position, "value")
        if let items = value.array { stack += items }
        if let inner = value.table {
            for entry in inner.entries {
                check(entry.keyPosition, "key \(entry.key)")
                stack.append(entry.value)
            }
        }
    }
    for entry in table.entries {
        let text = "x = " + entry.value.tomlText
        do {
            guard let again = try TOMLParser.parse(text)["x"], same(again, entry.value) else {
                fatalError("\(entry.key) written back as \(text.debugDescription) reads back as another value")
            }
        } catch {
            fatalError("\(entry.key) written back as \(text.debugDescription) does not parse: \(error)")
        }
    }
}

/// Whether two values are the same whatever their positions (nan is nan), compared with a stack.
private func same(_ first: TOMLValue, _ second: TOMLValue) -> Bool {
    var pairs = [(first, second)]
    while let (a, b) = pairs.popLast() {
        switch (a.kind, b.kind) {
        case (.array(let left), .array(let right)):
            guard left.count == right.count else { return false }
            pairs += zip(left, right).map { ($0, $1) }
        case (.table(let left), .table(let right)):
            guard left.keys == right.keys else { return false }
            for key in left.keys {
                guard let l = left[key], let r = right[key] else { return false }
                pairs.append((l, r))
            }
        case (.float(let left), .float(let right)):
            guard left == right || (left.isNaN && right.isNaN) else { return false }
        default:
            guard a.kind == b.kind else { return false }
        }
    }
    return true
}
