import Foundation
import NewsdeskBase

/// Parses the date strings found in RSS and Atom feeds into UTC instants.
///
/// Feeds use RFC 822/2822 (RSS), RFC 3339 / W3C-DTF (Atom) and a long tail of malformed
/// or localised variants. Rather than trying `DateFormatter` patterns (slow, locale
/// dependent), the text is scanned by hand: first a strict ISO 8601 pass (the Atom norm),
/// then a tolerant pass that classifies words (month, weekday, zone, AM/PM, filler) and
/// numbers by shape (time, numeric date, day/year) and assembles them in any order.
/// An unclassifiable word makes the string invalid, so garbage yields nil, not a guess.
/// Weekdays are recognised but ignored, so one that disagrees with the date is harmless.
public enum FeedDate {
    /// Returns the instant `text` names, or nil when it is not a recognisable date.
    public static func parse(_ text: String) -> Date? {
        // No real date is this long; refusing early bounds the work on junk input.
        guard text.utf8.count <= 256 else { return nil }
        return Whitespace.withBytes(text, parseCommon) ?? parseAnyForm(text)
    }

    /// Every form `parse` knows, the common ones included, the slow way.
    static func parseAnyForm(_ text: String) -> Date? {
        let scalars = Array(text.unicodeScalars)
        var start = 0
        var end = scalars.count
        while start < end, isSpace(scalars[start]) { start += 1 }
        while end > start, isSpace(scalars[end - 1]) { end -= 1 }
        guard start < end else { return nil }
        var cursor = Cursor(s: scalars, i: start, end: end)
        if (0..<4).allSatisfy({ cursor.digit($0) }), let date = parseISO(&cursor) { return date }
        cursor.i = start
        return parseLoose(&cursor)
    }

    // MARK: - Scanning state
    /// The pieces collected while scanning; validated and assembled by `resolve`.
    struct Fields {
        var year: Int?, month: Int?, day: Int?
        var hour: Int?, minute = 0, second = 0, fraction = 0.0
        var pm: Bool?  // nil when there is no AM/PM marker
        var offset: Int?  // minutes east of UTC
        var numericOffset = false  // "+hh:mm" was seen; it beats any zone name
        var numbers: [(value: Int, digits: Int)] = []  // day/year candidates, in order
        var maybeMonth: Int?  // a word that is a month or a weekday ("mar")
        var korean = false  // Korean blogs omit the zone and mean KST
        var etc = false  // "Etc/GMT+2" has POSIX signs, i.e. UTC-2
    }

    /// A position in the input; reads past `end` yield NUL so look-ahead needs no bounds checks.
    struct Cursor {
        let s: [Unicode.Scalar]
        var i: Int
        let end: Int
        func at(_ k: Int) -> Unicode.Scalar { i + k < end ? s[i + k] : "\u{0}" }
        func digit(_ k: Int = 0) -> Bool {
            let v = at(k).value
            return v >= 48 && v <= 57
        }
        mutating func eat(_ c: Unicode.Scalar) -> Bool {
            if at(0) == c {
                i += 1
                return true
            }
            return false
        }
        /// Reads at most `max` ASCII digits.
        mutating func digits(max: Int) -> (value: Int, digits: Int) {
            var value = 0
            var n = 0
            while n < max, digit() {
                value = value * 10 + Int(at(0).value - 48)
                n += 1
                i += 1
            }
            return (value, n)
        }
    }

    // MARK: - Assembly
    /// Assigns plain numbers to day and year, validates every field and builds the instant.
    static func resolve(_ fields: Fields) -> Date? {
        var f = fields
        if f.month == nil { f.month = f.maybeMonth }
        var nums = f.numbers
        if f.year == nil {
            // A 3+ digit number is the year; otherwise the day comes first ("11 Jul 04").
            if let k = nums.firstIndex(where: { $0.digits >= 3 }) {
                f.year = expandYear(nums.remove(at: k))
            } else if nums.count == (f.day == nil ? 2 : 1), let last = nums.popLast() {
                f.year = expandYear(last)
            }
        }
        if f.day == nil, nums.count == 1, nums[0].digits <= 2 { f.day = nums.removeLast().value }
        guard nums.isEmpty, let year = f.year, let month = f.month, let day = f.day else { return nil }
        var hour = f.hour ?? 0
        if let pm = f.pm {
            guard f.hour != nil else { return nil }
            if (1...12).contains(hour) { hour = hour % 12 + (pm ? 12 : 0) }  // tolerate "13:00 PM"
        }
        // 24:00 is ISO's end of day; a leap second (:60) rolls into the next minute.
        guard (1...9999).contains(year), (1...12).contains(month), (1...daysIn(month, year)).contains(day),
            hour < 24 || (hour == 24 && f.minute == 0 && f.second == 0 && f.fraction == 0),
            f.minute < 60, f.second <= 60
        else { return nil }
        let offset = f.offset ?? (f.korean ? 540 : 0)
        let secs = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + f.minute * 60 + f.second - offset * 60
        // A leap second, 24:00 or an offset can carry 9999-12-31 into year 10000 (or 0001-01-01
        // into year 0): outside what RFC 3339 can write, so not a date.
        guard (-62_135_596_800..<253_402_300_800).contains(secs) else { return nil }
        return Date(timeIntervalSince1970: Double(secs) + f.fraction)
    }

    /// RFC 2822 §4.3: two-digit years below 50 are 20xx, other two- and three-digit years +1900.
    static func expandYear(_ n: (value: Int, digits: Int)) -> Int {
        n.digits > 3 ? n.value : n.value + (n.digits == 3 || n.value >= 50 ? 1900 : 2000)
    }

    static func daysIn(_ month: Int, _ year: Int) -> Int {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return month == 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].contains(month) ? 30 : 31
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's
    /// algorithm): a few integer operations instead of a `Calendar` per call.
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1  // day of a March-based year
        return era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    }

    /// Inverse of `daysFromCivil`: (year, month, day).
    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, doy - (153 * mp + 2) / 5 + 1)
    }
}
