import Foundation

/// Writing dates: RFC 3339 for Atom and JSON, RFC 1123 for RSS and HTTP.
extension FeedDate {
    /// Formats as RFC 3339 UTC with seconds: "2004-07-11T17:00:00Z".
    /// Fractional seconds are truncated, so a formatted time never moves forward.
    public static func rfc3339(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        // Clamped to ±3 million years so the Int conversion can never trap.
        let secs = Int((t.isNaN ? 0 : min(max(t, -1e14), 1e14)).rounded(.down))
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let rem = secs - days * 86_400
        let (y, m, d) = civilFromDays(days)
        func pad(_ v: Int, _ width: Int) -> String {
            let digits = String(abs(v))
            return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(rem / 3600, 2)):\(pad(rem / 60 % 60, 2)):\(pad(rem % 60, 2))Z"
    }

    /// Formats as an RFC 1123 (HTTP and RSS) date in GMT: "Sun, 11 Jul 2004 17:00:00 GMT".
    public static func rfc822(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        let secs = Int((t.isNaN ? 0 : min(max(t, 0), 1e12)).rounded(.down))
        let days = secs / 86_400
        let rem = secs % 86_400
        let (y, m, d) = civilFromDays(days)
        let weekday = englishWeekdays[(days + 3) % 7]  // 1970-01-01 was a Thursday
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(weekday), \(two(d)) \(englishMonths[m - 1]) \(y) \(two(rem / 3600)):\(two(rem / 60 % 60)):\(two(rem % 60)) GMT"
    }
}
