// libFuzzer entry point for the config reader's own code, compiled by Fuzz/build.sh with
// Sources/NewsdeskCore/Config/ConfigKeyLocator.swift and ConfigValue.swift (the TOML syntax
// itself is TOMLKit's, built with SwiftPM, so it is not in this target). Checks: the line finder
// only ever names lines of the text, and every duration it accepts is written back and read
// again unchanged; sizes never overflow.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
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
