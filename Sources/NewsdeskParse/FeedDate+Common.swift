import Foundation
import NewsdeskBase

/// The fast path: the two forms nearly every feed uses, read straight from the bytes.
extension FeedDate {
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
    static let englishWeekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    static let englishMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let weekdayAbbreviations: Set<UInt32> = Set(englishWeekdays.map(ByteCursor.key))
    static let monthAbbreviations: [UInt32: Int] = Dictionary(
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
}
