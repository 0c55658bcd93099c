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

    // MARK: - The two forms nearly every feed uses

    /// RFC 822's "Tue, 10 Jun 2003 04:00:00 GMT" (or "+0200", "UT", "Z"; no weekday, no seconds)
    /// and RFC 3339's "2003-06-10T04:00:00Z" (or "+02:00", "+0200", no zone, fractions), read
    /// straight from the bytes; nil for anything else, which the general parser then reads. It
    /// gives the same answer for these forms (a test and the date fuzzer check that), only
    /// without turning the text into scalars first.
    static func parseCommon(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        var start = 0
        var end = bytes.count
        while start < end, Whitespace.isASCIISpace(bytes[start]) { start += 1 }
        while end > start, Whitespace.isASCIISpace(bytes[end - 1]) { end -= 1 }
        var c = ByteCursor(bytes: bytes, i: start, end: end)
        var f = Fields()
        if let year = c.number(4), c.eat("-") {
            // RFC 3339: YYYY-MM-DDTHH:MM:SS[.f](Z|±HH:MM|±HHMM)?
            guard let month = c.number(2), c.eat("-"), let day = c.number(2), c.eat("T"),
                let hour = c.number(2), c.eat(":"), let minute = c.number(2), c.eat(":"), let second = c.number(2)
            else { return nil }
            (f.year, f.month, f.day, f.hour, f.minute, f.second) = (year, month, day, hour, minute, second)
            if c.eat(".") {
                var micros = 0
                var place = 100_000
                guard c.isDigit else { return nil }
                while c.isDigit {
                    micros += Int(c.byte - 0x30) * place
                    place /= 10
                    c.i += 1
                }
                f.fraction = Double(micros) / 1e6
            }
            if c.eat("Z") {
                f.offset = 0
            } else if c.i < c.end {
                guard let offset = c.offset(colon: true) else { return nil }
                f.offset = offset
            }
        } else {
            // RFC 822: [Www, ]D[D] Mmm YYYY HH:MM[:SS] (GMT|UT|UTC|Z|±HHMM)
            c.i = start
            if c.end - c.i > 5, Self.weekdayAbbreviations.contains(c.word3), c.bytes[c.i + 3] == UInt8(ascii: ","),
                c.bytes[c.i + 4] == 0x20
            {
                c.i += 5
            }
            guard let day = c.number(2) ?? c.number(1), c.eat(" "), let month = Self.monthAbbreviations[c.word3] else { return nil }
            c.i += 3
            guard c.eat(" "), let year = c.number(4), c.eat(" "), let hour = c.number(2), c.eat(":"), let minute = c.number(2)
            else { return nil }
            (f.year, f.month, f.day, f.hour, f.minute) = (year, month, day, hour, minute)
            if c.eat(":") {
                guard let second = c.number(2) else { return nil }
                f.second = second
            }
            guard c.eat(" ") else { return nil }
            switch c.rest {
            case "GMT", "UT", "UTC", "Z": f.offset = 0
            default:
                guard let offset = c.offset(colon: false) else { return nil }
                f.offset = offset
            }
            c.i = c.end
        }
        guard c.i == c.end else { return nil }
        return resolve(f)
    }

    /// The English abbreviations RFC 822 writes, as `rfc822` writes them and the fast path reads them.
    private static let englishWeekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let englishMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let weekdayAbbreviations: Set<UInt32> = Set(englishWeekdays.map(ByteCursor.key))
    private static let monthAbbreviations: [UInt32: Int] = Dictionary(
        uniqueKeysWithValues: englishMonths.enumerated().map { (ByteCursor.key($0.element), $0.offset + 1) })

    /// A position in ASCII bytes for `parseCommon`.
    struct ByteCursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var i: Int
        let end: Int

        var isDigit: Bool { i < end && bytes[i] >= 0x30 && bytes[i] <= 0x39 }
        var byte: UInt8 { bytes[i] }
        /// The three bytes at the cursor as one number (0 when fewer are left).
        var word3: UInt32 {
            guard end - i >= 3 else { return 0 }
            return UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
        }
        /// What is left, when it is short ASCII (a zone name).
        var rest: String { end - i <= 3 ? String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<end]), as: UTF8.self) : "" }

        static func key(_ word: String) -> UInt32 { word.utf8.reduce(0) { $0 << 8 | UInt32($1) } }

        mutating func eat(_ character: Unicode.Scalar) -> Bool {
            guard i < end, bytes[i] == UInt8(character.value) else { return false }
            i += 1
            return true
        }

        /// Exactly `digits` digits, not followed by another.
        mutating func number(_ digits: Int) -> Int? {
            guard end - i >= digits else { return nil }
            var value = 0
            for k in i..<(i + digits) {
                let d = bytes[k]
                guard d >= 0x30, d <= 0x39 else { return nil }
                value = value * 10 + Int(d - 0x30)
            }
            guard i + digits == end || bytes[i + digits] < 0x30 || bytes[i + digits] > 0x39 else { return nil }
            i += digits
            return value
        }

        /// `±HHMM`, or with `colon` `±HH:MM` too, to the end: minutes east of UTC.
        mutating func offset(colon: Bool) -> Int? {
            guard i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") else { return nil }
            let sign = bytes[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            let hours: Int
            let minutes: Int
            if colon, end - i == 5 {
                guard let h = number(2), eat(":"), let m = number(2) else { return nil }
                (hours, minutes) = (h, m)
            } else {
                guard end - i == 4, let both = number(4) else { return nil }
                (hours, minutes) = (both / 100, both % 100)
            }
            guard hours <= 23, minutes <= 59 else { return nil }
            return sign * (hours * 60 + minutes)
        }
    }

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

    // MARK: - Strict ISO 8601 pass
    /// `YYYY[-MM[-DD]]` or `YYYYMMDD`, then optionally `T`/`t`/space and `hh:mm[:ss[.f]]` or
    /// `hhmm[ss[.f]]`, then `Z` or `±hh[[:]mm]`. Any deviation returns nil so the loose pass
    /// gets its turn.
    static func parseISO(_ c: inout Cursor) -> Date? {
        var f = Fields()
        f.year = c.digits(max: 4).value
        let basic = c.digit()
        let dashed = c.eat("-")
        if basic {
            let v = c.digits(max: 4)
            guard v.digits == 4 else { return nil }
            (f.month, f.day) = (v.value / 100, v.value % 100)
        } else if dashed {
            let m = c.digits(max: 2)
            guard m.digits == 2 else { return nil }
            f.month = m.value
            if c.eat("-") {
                let d = c.digits(max: 2)
                guard d.digits == 2 else { return nil }
                f.day = d.value
            }
        }
        let sep = c.at(0)
        if basic || dashed, sep == "T" || sep == "t" || sep == " ", c.digit(1) {
            c.i += 1
            guard readTime(&c, &f, basic: true) else { return nil }
            // Only after a time: "2013-01-27-01" is not a date with offset -01.
            if c.eat("Z") || c.eat("z") {
                f.offset = 0
            } else if c.at(0) == "+" || c.at(0) == "-" {
                guard let o = readOffset(&c) else { return nil }
                f.offset = o
            }
        }
        guard c.i == c.end else { return nil }
        (f.month, f.day) = (f.month ?? 1, f.day ?? 1)
        return resolve(f)
    }

    /// `h:mm[:ss[.f]]`; with `basic`, also `hhmm[ss[.f]]`. A fourth `:` part is rejected.
    static func readTime(_ c: inout Cursor, _ f: inout Fields, basic: Bool) -> Bool {
        let h = c.digits(max: 2)
        let colon = c.at(0) == ":"
        guard f.hour == nil, h.digits > 0, colon || (basic && h.digits == 2) else { return false }
        var parts = [h.value]
        while parts.count < 3, colon ? c.at(0) == ":" && c.digit(1) : c.digit() {
            if colon { c.i += 1 }
            let v = c.digits(max: 2)
            guard colon || v.digits == 2 else { return false }
            parts.append(v.value)
        }
        guard parts.count >= 2 else { return false }
        (f.hour, f.minute, f.second) = (parts[0], parts[1], parts.count > 2 ? parts[2] : 0)
        if c.at(0) == "." || c.at(0) == ",", c.digit(1) {
            // Keep microseconds at most: a Double near 1e9 holds no more, and
            // ".9999999" would otherwise round up into the next second.
            var micros = 0
            var place = 100_000
            c.i += 1
            while c.digit() {
                micros += Int(c.at(0).value - 48) * place
                place /= 10
                c.i += 1
            }
            f.fraction = Double(micros) / 1e6
        }
        return c.at(0) != ":" && !c.digit()
    }

    /// `±h`, `±hh`, `±hhmm` or `±hh:mm` at the cursor, as minutes east of UTC.
    static func readOffset(_ c: inout Cursor) -> Int? {
        let sign = c.at(0) == "-" ? -1 : 1
        c.i += 1
        let v = c.digits(max: 4)
        var (hours, minutes) = v.digits > 2 ? (v.value / 100, v.value % 100) : (v.value, 0)
        if v.digits <= 2, c.eat(":") {
            let m = c.digits(max: 2)
            guard m.digits == 2 else { return nil }
            minutes = m.value
        }
        guard v.digits > 0, hours <= 23, minutes <= 59, !c.digit(), c.at(0) != ":" else { return nil }
        return sign * (hours * 60 + minutes)
    }

    // MARK: - Tolerant pass
    static func parseLoose(_ c: inout Cursor) -> Date? {
        var f = Fields()
        while c.i < c.end {
            let ch = c.at(0)
            if c.digit() {
                guard readNumber(&c, &f) else { return nil }
            } else if isLetter(ch) {
                guard readWord(&c, &f) else { return nil }
            } else if ch == "+" || ch == "-", c.digit(1), f.hour != nil || f.offset != nil {
                // Only after a time or zone name: elsewhere "-" separates ("11-Jul-2004").
                guard !f.numericOffset, let o = readOffset(&c) else { return nil }
                (f.offset, f.numericOffset) = (f.etc ? -o : o, true)
            } else if ch == "(" {  // RFC 822 comment: "+0000 (UTC)"
                while c.i < c.end, c.at(0) != ")" { c.i += 1 }
                c.i += 1
            } else if isSpace(ch) || ",.;-/".unicodeScalars.contains(ch) {
                c.i += 1
            } else {
                return nil
            }
        }
        return resolve(f)
    }

    /// A digit run: a time, a numeric date, a Korean-suffixed field or a day/year candidate.
    static func readNumber(_ c: inout Cursor, _ f: inout Fields) -> Bool {
        let start = c.i
        let n = c.digits(max: 4)
        let next = c.at(0)
        if c.digit() { return false }  // 5+ digits is no date field
        if next == ":" {
            c.i = start
            return n.digits <= 2 && readTime(&c, &f, basic: false)
        }
        if next == "-" || next == "/" || next == ".", c.digit(1) { return readNumericDate(&c, &f, n, next) }
        if next == "년" || next == "월" || next == "일" {  // Korean: 2004년 05월 28일
            (c.i, f.korean) = (c.i + 1, true)
            switch next {
            case "년" where f.year == nil: f.year = expandYear(n)
            case "월" where f.month == nil: f.month = n.value
            case "일" where f.day == nil: f.day = n.value
            default: return false
            }
            return true
        }
        let (s1, s2) = (lower(next), lower(c.at(1)))  // English ordinals: "July 11th"
        if (s1 == "s" && s2 == "t") || ((s1 == "n" || s1 == "r") && s2 == "d") || (s1 == "t" && s2 == "h"),
            !isLetter(c.at(2))
        {
            c.i += 2
        }
        f.numbers.append(n)
        return f.numbers.count <= 2
    }

    /// `y-m-d`, `y/m/d`, `m/d/y` (US; `d/m/y` when the first value exceeds 12) or `d.m.y`.
    /// The year needs 3+ digits: `03-12-31` could be any of three orders.
    static func readNumericDate(
        _ c: inout Cursor, _ f: inout Fields,
        _ first: (value: Int, digits: Int), _ sep: Unicode.Scalar
    ) -> Bool {
        var parts = [first]
        while c.at(0) == sep, c.digit(1), parts.count < 4 {
            c.i += 1
            parts.append(c.digits(max: 4))
        }
        guard parts.count == 3, !c.digit(), f.year == nil, f.month == nil, f.day == nil else { return false }
        let (a, b, d) = (parts[0], parts[1], parts[2])
        let dayFirst = sep == "." || a.value > 12
        if a.digits >= 3 {
            (f.year, f.month, f.day) = (a.value, b.value, d.value)
        } else if d.digits == 4 {
            (f.year, f.month, f.day) = (d.value, dayFirst ? b.value : a.value, dayFirst ? a.value : b.value)
        }
        return f.year != nil
    }

    /// Classifies a run of letters; false when it cannot be part of a date.
    static func readWord(_ c: inout Cursor, _ f: inout Fields) -> Bool {
        let start = c.i
        while c.i < c.end, isLetter(c.at(0)) { c.i += 1 }
        let raw = c.s[start..<c.i]
        let word = fold(raw)
        if word == "a" || word == "p", c.at(0) == ".", lower(c.at(1)) == "m" {  // "p.m."
            c.i += c.at(2) == "." ? 3 : 2
            f.pm = word == "p"
            return true
        }
        // A lone letter before the time is ISO's "T" or French "à"; after it, a military zone.
        if word.utf8.count == 1, f.hour == nil { return word == "t" || word == "a" }
        if let m = months[word] {
            // "mar" is March but also mardi/martes/martedì: it is the month only when no
            // unambiguous month name appears.
            if weekdays.contains(word) {
                f.maybeMonth = m
                return true
            }
            if f.month == nil { f.month = m }
            return f.month == m
        }
        if weekdays.contains(word) || fillers.contains(word) { return true }
        switch word {
        case "am" where f.hour == nil, "at" where f.hour == nil:
            return true  // German "am 14. März"; "Jul 11 at 12:00"
        case "오전", "오후":  // Korean AM/PM
            f.korean = true
            fallthrough
        case "am", "pm":
            f.pm = word == "pm" || word == "오후"
            return true
        case "etc" where c.at(0) == "/":  // "Etc/GMT"
            (c.i, f.etc) = (c.i + 1, true)
            return true
        default:
            break
        }
        if let z = zones[word] {  // "+0000 UTC": the number wins
            if !f.numericOffset {
                guard f.offset == nil else { return false }
                f.offset = z
            }
            return true
        }
        // An unknown upper-case abbreviation after a numeric offset ("+0800 PHT") only
        // restates it; any other unknown word means this is not a date.
        return f.numericOffset && raw.count <= 5 && raw.allSatisfy { (65...90).contains($0.value) }
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
        // into year 0): outside what RFC 3339 can write, so not a date (found by fuzzing).
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

    // MARK: - Characters and words
    static func isSpace(_ c: Unicode.Scalar) -> Bool { c.isASCII ? c == " " || (9...13).contains(c.value) : c.properties.isWhitespace }

    /// Letters of any script, plus combining marks so a decomposed "Ma\u{308}rz" stays one word.
    static func isLetter(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return (97...122).contains(c.value | 0x20) }
        return c.properties.isAlphabetic || c.properties.generalCategory == .nonspacingMark
    }

    static func lower(_ c: Unicode.Scalar) -> Unicode.Scalar {
        (65...90).contains(c.value) ? Unicode.Scalar(UInt8(c.value + 32)) : c
    }

    /// Lower-cases and strips accents so "März", "MARZ" and "marz" all match. ASCII words
    /// (nearly all of them) are done inline; Foundation handles the rest.
    static func fold<S: Collection<Unicode.Scalar>>(_ letters: S) -> String {
        var out = String.UnicodeScalarView()
        for c in letters {
            guard c.isASCII else {
                return String(String.UnicodeScalarView(letters))
                    .folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
                    .replacingOccurrences(of: "ς", with: "σ")
            }
            out.append(lower(c))
        }
        return String(out)
    }

    static func foldedWords(_ text: String) -> [String] { text.split(separator: " ").map { fold($0.unicodeScalars) } }

    /// Month names and abbreviations in English, German, French, Spanish, Italian,
    /// Portuguese, Dutch, Hungarian and Greek, written naturally and folded on load.
    static let months: [String: Int] = {
        let names = [
            "jan january januar jänner janv janvier ene enero gen gennaio janeiro januari január ιαν ιανουάριος ιανουαρίου",
            "feb february februar feber févr fév février febrero febbraio fev fevereiro februari febr február φεβ φεβρουάριος φεβρουαρίου",
            "mar march märz mrz mars marzo março maart mrt márc március μαρ μάρτιος μαρτίου",
            "apr april avr avril abr abril aprile április ápr απρ απρίλιος απριλίου",
            "may mai mayo mag maggio maio mei máj május μαΐ μάιος μαΐου",
            "jun june juni juin junio giu giugno junho jún június ιουν ιούνιος ιουνίου",
            "jul july juli juil juillet julio lug luglio julho júl július ιουλ ιούλιος ιουλίου",
            "aug august août ago agosto augustus augusztus αυγ αύγουστος αυγούστου",
            "sep sept september septembre septiembre setiembre set settembre setembro szept szeptember σεπ σεπτέμβριος σεπτεμβρίου",
            "oct october okt oktober octobre octubre ott ottobre out outubro október οκτ οκτώβριος οκτωβρίου",
            "nov november novembre noviembre novembro νοε νοέμβριος νοεμβρίου",
            "dec december dezember dez décembre déc diciembre dic dicembre dezembro δεκ δεκέμβριος δεκεμβρίου",
        ]
        var table: [String: Int] = [:]
        for (index, line) in names.enumerated() { for word in foldedWords(line) { table[word] = index + 1 } }
        return table
    }()

    /// Weekday names in the same languages; recognised only so they can be skipped.
    static let weekdays = Set(
        foldedWords(
            """
            sun sunday mon monday tue tues tuesday wed weds wednesday thu thur thurs thursday fri friday sat saturday \
            so sonntag mo montag di dienstag mi mittwoch do donnerstag fr freitag sa samstag sonnabend \
            dim dimanche lun lundi mar mardi mer mercredi jeu jeudi ven vendredi sam samedi \
            dom domingo lunes martes mié miércoles jue jueves vie viernes sáb sábado \
            domenica lunedì martedì mercoledì gio giovedì venerdì sabato \
            seg segunda ter terça qua quarta qui quinta sex sexta feira \
            zo zondag ma maandag dinsdag wo woensdag donderdag vr vrijdag za zaterdag \
            vasárnap hétfő kedd sze szerda cs csütörtök péntek szo szombat \
            κυρ κυριακή δευ δευτέρα τρι τρίτη τετ τετάρτη πεμ πέμπτη παρ παρασκευή σαβ σάββατο
            """))

    /// Connecting words in localised dates: "14 de marzo de 2018", "den 14. März um 10:00 Uhr".
    static let fillers: Set<String> = ["de", "del", "of", "the", "le", "el", "den", "der", "um", "uhr", "las"]

    /// Zone abbreviations in minutes east of UTC. Ambiguous ones take their usual feed
    /// meaning: IST is India, BST British Summer Time, AST/AT Atlantic, CST US Central.
    static let zones: [String: Int] = {
        var table: [String: Int] = [
            "ut": 0, "utc": 0, "gmt": 0, "z": 0, "wet": 0, "west": 60, "bst": 60, "cet": 60, "cest": 120, "met": 60,
            "mest": 120, "mez": 60, "mesz": 120, "eet": 120, "eest": 180, "msk": 180, "ist": 330, "sgt": 480,
            "hkt": 480, "awst": 480, "jst": 540, "kst": 540, "acst": 570, "acdt": 630, "aest": 600, "aedt": 660,
            "nzst": 720, "nzdt": 780, "nst": -210, "ndt": -150, "ast": -240, "adt": -180, "at": -240, "est": -300,
            "edt": -240, "et": -300, "cst": -360, "cdt": -300, "ct": -360, "mst": -420, "mdt": -360, "mt": -420,
            "pst": -480, "pdt": -420, "pt": -480, "akst": -540, "akdt": -480, "hst": -600,
        ]
        // Military letters. RFC 822 got their signs backwards and RFC 2822 says to read them
        // as -0000; we follow the military convention producers actually use: A..I = +1..+9,
        // K..M = +10..+12, N..Y = -1..-12, Z = 0 (J is not a zone).
        for (i, letter) in "abcdefghiklmnopqrstuvwxy".enumerated() { table[String(letter)] = 60 * (i < 12 ? i + 1 : 11 - i) }
        return table
    }()
}
