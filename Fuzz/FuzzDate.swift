// libFuzzer entry point for the date parser (FeedDate.parse), compiled with
// the Base, Config and Parse stages by Fuzz/build.sh. Beyond not crashing, a date it reads must
// survive a round trip through its RFC 3339 form (and RFC 822 when it is after 1970), and the fast
// path for the common forms must give the general parser's answer.
import Foundation

@c(LLVMFuzzerTestOneInput)
public func fuzzDate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    // The fast path for the common forms must agree with the general parser wherever it answers.
    if text.utf8.count <= 256, let fast = Whitespace.withBytes(text, FeedDate.parseCommon), fast != FeedDate.parseAnyForm(text) {
        fatalError("\(text.debugDescription): fast path \(fast), general parser \(String(describing: FeedDate.parseAnyForm(text)))")
    }
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
