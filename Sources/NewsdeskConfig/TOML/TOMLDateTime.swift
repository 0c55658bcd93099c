/// A TOML date-time in one of its four forms: an offset date-time, a local date-time, a local
/// date or a local time (RFC 3339, with `T`, `t` or a space between date and time).
///
/// Seconds keep every digit of their fraction as written (TOML asks for at least milliseconds);
/// ``description`` writes the value back in RFC 3339, with `T` and, for a zero offset, `Z`.
public struct TOMLDateTime: Sendable, Equatable, CustomStringConvertible {
    /// A calendar date, checked against the calendar (February 29th only in leap years).
    public struct Day: Sendable, Equatable {
        public var year: Int
        public var month: Int
        public var day: Int
    }

    /// A time of day; `second` may be 60, a leap second, as RFC 3339 allows.
    public struct Time: Sendable, Equatable {
        public var hour: Int
        public var minute: Int
        public var second: Int
        /// The digits after the decimal point, as written ("" for none).
        public var fraction: String
    }

    public var date: Day?
    public var time: Time?
    /// Minutes east of UTC; nil for a local date-time, date or time.
    public var offsetMinutes: Int?

    /// The form's name in toml-test's vocabulary: "datetime", "datetime-local", "date-local", "time-local".
    public var kind: String {
        switch (date != nil, time != nil, offsetMinutes != nil) {
        case (true, true, true): return "datetime"
        case (true, true, false): return "datetime-local"
        case (true, false, _): return "date-local"
        default: return "time-local"
        }
    }

    public var description: String {
        var text = ""
        if let date { text += pad(date.year, 4) + "-" + pad(date.month, 2) + "-" + pad(date.day, 2) }
        if let time {
            if date != nil { text += "T" }
            text += pad(time.hour, 2) + ":" + pad(time.minute, 2) + ":" + pad(time.second, 2)
            if !time.fraction.isEmpty { text += "." + time.fraction }
        }
        if let offsetMinutes {
            if offsetMinutes == 0 {
                text += "Z"
            } else {
                let size = abs(offsetMinutes)
                text += (offsetMinutes < 0 ? "-" : "+") + pad(size / 60, 2) + ":" + pad(size % 60, 2)
            }
        }
        return text
    }

    private func pad(_ number: Int, _ width: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Reads a whole token (`1979-05-27T07:32:00.5-07:00`, `07:32:00`, `1979-05-27`), or says
    /// what is wrong with it.
    static func parse(_ token: ArraySlice<UInt8>) -> Result<TOMLDateTime, DateTimeProblem> {
        var reader = DigitReader(bytes: token)
        var value = TOMLDateTime()
        if token.count >= 5, token[token.startIndex + 4] == UInt8(ascii: "-") {
            guard let year = reader.digits(4), reader.skip("-"), let month = reader.digits(2), reader.skip("-"),
                let day = reader.digits(2)
            else { return .failure(.shape) }
            guard (1...12).contains(month), (1...daysIn(month, of: year)).contains(day) else { return .failure(.noSuchDay) }
            value.date = Day(year: year, month: month, day: day)
            guard let separator = reader.next() else { return .success(value) }
            guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " ") else {
                return .failure(.shape)
            }
        }
        guard let hour = reader.digits(2), reader.skip(":"), let minute = reader.digits(2) else { return .failure(.shape) }
        guard reader.skip(":"), let second = reader.digits(2) else { return .failure(.noSeconds) }
        var fraction = ""
        if reader.skip(".") {
            while let digit = reader.peekDigit() {
                fraction.unicodeScalars.append(Unicode.Scalar(digit))
                reader.advance()
            }
            if fraction.isEmpty { return .failure(.shape) }
        }
        guard hour < 24, minute < 60, second <= 60 else { return .failure(.noSuchTime) }
        value.time = Time(hour: hour, minute: minute, second: second, fraction: fraction)
        guard let mark = reader.next() else { return .success(value) }
        guard value.date != nil else { return .failure(.shape) }
        if mark == UInt8(ascii: "Z") || mark == UInt8(ascii: "z") {
            value.offsetMinutes = 0
        } else if mark == UInt8(ascii: "+") || mark == UInt8(ascii: "-") {
            guard let hours = reader.digits(2), reader.skip(":"), let minutes = reader.digits(2) else { return .failure(.shape) }
            guard hours < 24, minutes < 60 else { return .failure(.noSuchTime) }
            value.offsetMinutes = (hours * 60 + minutes) * (mark == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return .failure(.shape)
        }
        return reader.atEnd ? .success(value) : .failure(.shape)
    }

    static func daysIn(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// What is wrong with a date-time, for the parser to say in words.
enum DateTimeProblem: Error {
    case shape, noSuchDay, noSuchTime, noSeconds

    var message: String {
        switch self {
        case .shape: return "not a date or time: write 1979-05-27, 07:32:00, 1979-05-27T07:32:00 or 1979-05-27T07:32:00Z"
        case .noSuchDay: return "no such day in the calendar"
        case .noSuchTime: return "no such time: hours go to 23, minutes to 59, seconds to 60"
        case .noSeconds: return "a time needs seconds in TOML 1.0: write 07:32:00, not 07:32"
        }
    }
}

/// Reads fixed-width runs of ASCII digits from a token.
private struct DigitReader {
    let bytes: ArraySlice<UInt8>
    var index: Int

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    var atEnd: Bool { index >= bytes.endIndex }

    mutating func advance() { index += 1 }

    func peekDigit() -> UInt8? {
        guard index < bytes.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
        return bytes[index]
    }

    mutating func digits(_ count: Int) -> Int? {
        var number = 0
        for _ in 0..<count {
            guard let digit = peekDigit() else { return nil }
            number = number * 10 + Int(digit - UInt8(ascii: "0"))
            index += 1
        }
        return number
    }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    mutating func next() -> UInt8? {
        guard index < bytes.endIndex else { return nil }
        defer { index += 1 }
        return bytes[index]
    }
}
