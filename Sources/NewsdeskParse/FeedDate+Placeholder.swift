import Foundation
import NewsdeskBase

/// Zero values: what programs write in a date field when they had no date.
///
/// A feed written by Go says `0001-01-01T00:00:00Z` for an unset `time.Time`, one written by PHP
/// or C says `Thu, 01 Jan 1970 00:00:00 GMT` for a timestamp of 0, one fed from MySQL says
/// `0000-00-00 00:00:00`. Read as dates they would put an item two thousand years (or fifty)
/// in the past, and mislead recency and "first reported by"; they mean "no date".
extension FeedDate {
    /// The instant of Go's zero time (and .NET's `DateTime.MinValue`): 0001-01-01T00:00:00Z.
    static let yearOneMidnight: TimeInterval = -62_135_596_800

    /// Whether `text`, which `parse` read as `date` (nil: not at all), is a zero value standing
    /// for no date rather than a date.
    ///
    /// Exactly these, so that no real date is lost:
    /// - the Unix epoch, the instant 1970-01-01T00:00:00Z in any form and zone that names it
    ///   (`Thu, 01 Jan 1970 00:00:00 GMT`, `+0000`, `1970-01-01`, `1970-01-01T01:00:00+01:00`); a
    ///   second later, or midnight in another zone (`1970-01-01T00:00:00+01:00`), is a date;
    /// - midnight starting 0001-01-01, whatever zone follows (`0001-01-01T00:00:00Z`, .NET's
    ///   `0001-01-01T00:00:00+01:00`, Go's `0001-01-01 00:00:00 +0000 UTC`), or that instant in
    ///   any form; any other moment of year 1 is left to `parse`;
    /// - MySQL's all-zero date, `0000-00-00` with or without a time after it;
    /// - a bare zero (`0`, `0.0`), a numeric timestamp of 0 written as text.
    static func isPlaceholder(_ text: String, parsed date: Date?) -> Bool {
        if let seconds = date?.timeIntervalSince1970, seconds == 0 || seconds == yearOneMidnight { return true }
        // No placeholder is long; this keeps the scan below to a few bytes.
        guard text.utf8.count <= 64 else { return false }
        let bytes = Array(Whitespace.trim(text).utf8)
        return isZeroNumber(bytes) || startsYearOneMidnight(bytes) || startsAllZeroDate(bytes)
    }

    /// `0`, `000`, `0.0`: zero written as a number.
    private static func isZeroNumber(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, first == UInt8(ascii: "0") else { return false }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return parts.count <= 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 == UInt8(ascii: "0") } }
    }

    /// `0000-00-00`, then the end or anything but another digit.
    private static func startsAllZeroDate(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: Array("0000-00-00".utf8)) && !isDigit(bytes, at: 10)
    }

    /// `0001-01-01`, then the end, or `T`/space and `00:00`, optionally `:00` and a zero fraction,
    /// then anything but another digit (a zone, which does not matter here).
    private static func startsYearOneMidnight(_ bytes: [UInt8]) -> Bool {
        guard bytes.starts(with: Array("0001-01-01".utf8)) else { return false }
        guard bytes.count > 10 else { return true }
        guard [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(bytes[10]),
            bytes[11...].starts(with: Array("00:00".utf8))
        else { return false }
        var i = 16
        if i < bytes.count, bytes[i] == UInt8(ascii: ":") {
            guard bytes[i...].starts(with: Array(":00".utf8)) else { return false }
            i += 3
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: ","), isDigit(bytes, at: i + 1) {
            i += 1
            while i < bytes.count, bytes[i] == UInt8(ascii: "0") { i += 1 }
        }
        return !isDigit(bytes, at: i)
    }

    private static func isDigit(_ bytes: [UInt8], at i: Int) -> Bool {
        i < bytes.count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9")
    }
}
