// libFuzzer entry point for the date parser (FeedDate.parse), compiled with
// Sources/NewsdeskCore/Parse/*.swift by Fuzz/build.sh. Beyond not crashing, a date it reads must
// survive a round trip through its RFC 3339 form (and RFC 822 when it is after 1970).
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let date = FeedDate.parse(text) else { return 0 }
    let seconds = date.timeIntervalSince1970.rounded(.down)
    // Years 0001-9999 are what RFC 3339 can write; the parser must not return anything else.
    guard seconds >= -62_135_596_800, seconds < 253_402_300_800 else {
        fatalError("date out of range from \(text.debugDescription): \(seconds)")
    }
    let stamp = FeedDate.rfc3339(date)
    guard let back = FeedDate.parse(stamp), back.timeIntervalSince1970 == seconds else {
        fatalError("\(text.debugDescription) -> \(stamp) does not read back")
    }
    if seconds >= 0 {
        let http = FeedDate.rfc822(date)
        guard let again = FeedDate.parse(http), again.timeIntervalSince1970 == seconds else {
            fatalError("\(text.debugDescription) -> \(http) does not read back")
        }
    }
    return 0
}
