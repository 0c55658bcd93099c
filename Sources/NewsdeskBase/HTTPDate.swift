import Foundation

/// HTTP's dates (RFC 9110, section 5.6.7), as `Retry-After`, `Expires` and `Date` carry them:
/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), and the two obsolete forms a recipient must
/// still read, RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
/// A numeric zone (`+0000`, `-0500`) in place of `GMT` is read too, as some servers send one.
///
/// Our own because this Foundation has no `Date.HTTPFormatStyle`, a `DateFormatter` is neither
/// cheap nor `Sendable`, and the grammar is small and fixed. Feed dates, which are anything
/// but fixed, are the parser's (`FeedDate`).
public enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// The instant `text` names, or nil when it is not an HTTP date.
    public static func parse(_ text: String) -> Date? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = words.first else { return nil }
        if first.hasSuffix(",") {
            // IMF-fixdate: "Sun," "06" "Nov" "1994" "08:49:37" "GMT"; RFC 850: "Sunday," "06-Nov-94" "08:49:37" "GMT"
            if words.count == 6 {
                return date(day: words[1], month: words[2], year: words[3], time: words[4], zone: words[5])
            }
            let parts = words.count == 4 ? words[1].split(separator: "-").map(String.init) : []
            guard parts.count == 3, parts[2].count == 2, let yy = Int(parts[2]) else { return nil }
            // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
            return date(day: parts[0], month: parts[1], year: String(yy < 70 ? 2000 + yy : 1900 + yy), time: words[2], zone: words[3])
        }
        // asctime: "Sun" "Nov" "6" "08:49:37" "1994", always GMT
        guard words.count == 5 else { return nil }
        return date(day: words[2], month: words[1], year: words[4], time: words[3], zone: "GMT")
    }

    private static func date(day: String, month: String, year: String, time: String, zone: String) -> Date? {
        let clock = time.split(separator: ":").map { Int($0) }
        guard let d = Int(day), (1...31).contains(d), let m = months.firstIndex(of: month.lowercased()),
            year.count == 4, let y = Int(year), clock.count == 3,
            let hour = clock[0], let minute = clock[1], let second = clock[2],
            (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
            let offset = offset(zone)
        else { return nil }
        var components = DateComponents()
        (components.year, components.month, components.day) = (y, m + 1, d)
        (components.hour, components.minute, components.second) = (hour, minute, second)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == d else { return nil }
        return date.addingTimeInterval(-offset)
    }

    /// Seconds east of UTC: `GMT` and `UTC` are 0, `+hhmm`/`-hhmm` as written.
    private static func offset(_ zone: String) -> TimeInterval? {
        if zone == "GMT" || zone == "UTC" { return 0 }
        guard zone.count == 5, let sign = zone.first, sign == "+" || sign == "-", let digits = Int(zone.dropFirst()) else { return nil }
        let seconds = TimeInterval(digits / 100 * 3_600 + digits % 100 * 60)
        return sign == "-" ? -seconds : seconds
    }
}
