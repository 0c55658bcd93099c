import Foundation
import Testing

@testable import NewsdeskBase
@testable import NewsdeskParse

/// Parses `input` and formats the result, so every case asserts one exact UTC string.
private func utc(_ input: String) -> String? {
    FeedDate.parse(input).map(FeedDate.rfc3339)
}

struct FeedDateTests {
    // MARK: RFC 822 / 1123 / 2822

    @Test(
        "RFC 822 family",
        arguments: [
            ("Sun, 11 Jul 2004 12:00:00 EST", "2004-07-11T17:00:00Z"),
            ("Tue, 05 Mar 2019 08:30:15 GMT", "2019-03-05T08:30:15Z"),
            ("Tue, 5 Mar 2019 08:30:15 GMT", "2019-03-05T08:30:15Z"),
            ("Tue, 05 Mar 19 08:30:15 GMT", "2019-03-05T08:30:15Z"),  // 2-digit year < 50
            ("Fri, 12 Dec 97 23:10:00 +0000", "1997-12-12T23:10:00Z"),  // 2-digit year >= 50
            ("Sat, 01 Jan 49 00:00:00 GMT", "2049-01-01T00:00:00Z"),
            ("Sun, 01 Jan 50 00:00:00 GMT", "1950-01-01T00:00:00Z"),
            ("15 Jan 2020 12:00:00 GMT", "2020-01-15T12:00:00Z"),  // no weekday
            ("Wed, 15 Jan 2020 12:00 GMT", "2020-01-15T12:00:00Z"),  // no seconds
            ("Wed, 15 Jan 2020 12:00:00", "2020-01-15T12:00:00Z"),  // no zone: UTC
            ("Wed, 15 Jan 2020", "2020-01-15T00:00:00Z"),  // no time
            ("Wed, Jan 15 2020 12:00:00 GMT", "2020-01-15T12:00:00Z"),  // month before day
            ("Jan 15 2020", "2020-01-15T00:00:00Z"),
            ("15 Jan 2020", "2020-01-15T00:00:00Z"),
            ("Wed 15 Jan 2020 12:00:00 GMT", "2020-01-15T12:00:00Z"),  // missing comma
            ("Wed,15 Jan, 2020, 12:00:00 GMT", "2020-01-15T12:00:00Z"),  // extra commas
            ("Wednesday, 15 January 2020 12:00:00 GMT", "2020-01-15T12:00:00Z"),
            ("WED, 15 JAN 2020 12:00:00 GMT", "2020-01-15T12:00:00Z"),
            ("wed, 15 jan 2020 12:00:00 est", "2020-01-15T17:00:00Z"),
            ("Wed., 15 Jan. 2020 12:00:00 GMT", "2020-01-15T12:00:00Z"),
            ("Mon, 14 Sept 2020 09:00:00 GMT", "2020-09-14T09:00:00Z"),
            ("Mon, 14 September 2020 09:00:00 GMT", "2020-09-14T09:00:00Z"),
            ("Fri, 15 Jan 2020 12:00:00 GMT", "2020-01-15T12:00:00Z"),  // wrong weekday ignored
            ("Wed Jan 15 12:00:00 2020", "2020-01-15T12:00:00Z"),  // asctime
            ("Wed Jan 15 12:00:00 +0100 2020", "2020-01-15T11:00:00Z"),
            ("Wed, 15 Jan 2020 23:30:00 -0100", "2020-01-16T00:30:00Z"),  // crosses midnight
            ("Sat, 29 Feb 2020 12:00:00 GMT", "2020-02-29T12:00:00Z"),
            ("Mon, 01 Jan 1900 00:00:00 GMT", "1900-01-01T00:00:00Z"),
        ])
    func rfc822(input: String, expected: String) {
        #expect(utc(input) == expected)
    }

    @Test(
        "Named zones",
        arguments: [
            ("UT", "12:00"), ("UTC", "12:00"), ("GMT", "12:00"), ("Z", "12:00"),
            ("EST", "17:00"), ("EDT", "16:00"), ("CST", "18:00"), ("CDT", "17:00"),
            ("MST", "19:00"), ("MDT", "18:00"), ("PST", "20:00"), ("PDT", "19:00"),
            ("AKST", "21:00"), ("AKDT", "20:00"), ("HST", "22:00"), ("AST", "16:00"), ("ADT", "15:00"),
            ("NST", "15:30"), ("CET", "11:00"), ("CEST", "10:00"), ("MET", "11:00"), ("MEST", "10:00"),
            ("EET", "10:00"), ("EEST", "09:00"), ("WET", "12:00"), ("WEST", "11:00"), ("BST", "11:00"),
            ("IST", "06:30"), ("JST", "03:00"), ("KST", "03:00"), ("HKT", "04:00"), ("SGT", "04:00"),
            ("AEST", "02:00"), ("AEDT", "01:00"), ("ACST", "02:30"), ("AWST", "04:00"),
            ("NZST", "00:00"), ("MSK", "09:00"), ("utc", "12:00"), ("Est", "17:00"),
        ])
    func namedZone(zone: String, expectedTime: String) {
        #expect(utc("Wed, 15 Jan 2020 12:00:00 \(zone)") == "2020-01-15T\(expectedTime):00Z")
    }

    @Test func zoneCrossingDate() {
        #expect(utc("Wed, 15 Jan 2020 12:00:00 NZDT") == "2020-01-14T23:00:00Z")
        #expect(utc("Wed, 15 Jan 2020 20:00:00 HST") == "2020-01-16T06:00:00Z")
    }

    @Test(
        "Numeric zones",
        arguments: [
            ("+0200", "10:00"), ("-0500", "17:00"), ("-05:00", "17:00"), ("+02", "10:00"),
            ("+0530", "06:30"), ("+05:30", "06:30"), ("-0000", "12:00"), ("+0000", "12:00"), ("-0330", "15:30"),
        ])
    func numericZone(zone: String, expectedTime: String) {
        #expect(utc("Wed, 15 Jan 2020 12:00:00 \(zone)") == "2020-01-15T\(expectedTime):00Z")
    }

    /// Military convention: A..I = +1..+9, K..M = +10..+12, N..Y = -1..-12, Z = 0.
    @Test(
        "Military zones",
        arguments: [
            ("A", "2020-01-15T11:00:00Z"), ("I", "2020-01-15T03:00:00Z"), ("K", "2020-01-15T02:00:00Z"),
            ("M", "2020-01-15T00:00:00Z"), ("N", "2020-01-15T13:00:00Z"), ("Q", "2020-01-15T16:00:00Z"),
            ("Y", "2020-01-16T00:00:00Z"), ("Z", "2020-01-15T12:00:00Z"), ("z", "2020-01-15T12:00:00Z"),
        ])
    func militaryZone(zone: String, expected: String) {
        #expect(utc("Wed, 15 Jan 2020 12:00:00 \(zone)") == expected)
    }

    // MARK: RFC 3339 / ISO 8601 / W3C-DTF

    @Test(
        "ISO 8601",
        arguments: [
            ("2020-01-15T12:00:00Z", "2020-01-15T12:00:00Z"),
            ("2020-01-15T12:00:00.250Z", "2020-01-15T12:00:00Z"),
            ("2020-01-15T12:00:00.999999999Z", "2020-01-15T12:00:00Z"),  // truncated, never rounded up
            ("2020-01-15T12:00:00,5Z", "2020-01-15T12:00:00Z"),
            ("2020-01-15T14:00:00+02:00", "2020-01-15T12:00:00Z"),
            ("2020-01-15T14:00:00+0200", "2020-01-15T12:00:00Z"),
            ("2020-01-15T14:00:00+02", "2020-01-15T12:00:00Z"),
            ("2020-01-15T07:00:00-05:00", "2020-01-15T12:00:00Z"),
            ("2020-01-15T12:00:00.5-01:30", "2020-01-15T13:30:00Z"),
            ("2020-01-15T12:00:00", "2020-01-15T12:00:00Z"),  // no zone: UTC
            ("2020-01-15", "2020-01-15T00:00:00Z"),
            ("2020-01", "2020-01-01T00:00:00Z"),
            ("2020", "2020-01-01T00:00:00Z"),
            ("2020-01-15 12:00:00Z", "2020-01-15T12:00:00Z"),  // space for T
            ("2020-01-15 12:00:00", "2020-01-15T12:00:00Z"),
            ("2020-01-15t12:00:00z", "2020-01-15T12:00:00Z"),
            ("2020-01-15T12:00Z", "2020-01-15T12:00:00Z"),  // no seconds
            ("2020-01-15T14:00+02:00", "2020-01-15T12:00:00Z"),
            ("20200115T120000Z", "2020-01-15T12:00:00Z"),  // basic format
            ("20200115T1400+0200", "2020-01-15T12:00:00Z"),
            ("20200115", "2020-01-15T00:00:00Z"),
            ("2020-12-31T22:00:00-05:00", "2021-01-01T03:00:00Z"),
            ("2020-02-29T00:00:00Z", "2020-02-29T00:00:00Z"),
            ("2000-02-29T00:00:00Z", "2000-02-29T00:00:00Z"),
            ("1969-07-20T20:17:40Z", "1969-07-20T20:17:40Z"),
            ("2020-01-15T12:00:00 Z", "2020-01-15T12:00:00Z"),
            ("2020-1-5 9:05", "2020-01-05T09:05:00Z"),
        ])
    func iso8601(input: String, expected: String) {
        #expect(utc(input) == expected)
    }

    // MARK: Non-English names

    @Test(
        "Localised names",
        arguments: [
            // German
            ("Mi, 14 Mär 2018 10:00:00 +0100", "2018-03-14T09:00:00Z"),
            ("Mittwoch, 14. März 2018 10:00:00 +0100", "2018-03-14T09:00:00Z"),
            ("14 Marz 2018", "2018-03-14T00:00:00Z"),
            ("14 MÄRZ 2018", "2018-03-14T00:00:00Z"),
            ("Do, 06 Dez 2018 08:00:00 MEZ", "2018-12-06T07:00:00Z"),
            ("am 14. Mrz 2018 um 10:00 Uhr", "2018-03-14T10:00:00Z"),
            // French
            ("mer., 14 mars 2018 10:00:00 +0100", "2018-03-14T09:00:00Z"),
            ("mar., 13 mars 2018 10:00:00 +0100", "2018-03-13T09:00:00Z"),  // "mar." is Tuesday here
            ("jeu., 1 févr. 2018 10:00:00 +0100", "2018-02-01T09:00:00Z"),
            ("1 fevr 2018 10:00", "2018-02-01T10:00:00Z"),
            ("1 FÉVRIER 2018", "2018-02-01T00:00:00Z"),
            ("sam. 7 juil. 2018 à 18:30", "2018-07-07T18:30:00Z"),
            ("3 juin 2018", "2018-06-03T00:00:00Z"),
            ("15 août 2018", "2018-08-15T00:00:00Z"),
            // Spanish
            ("14 de marzo de 2018", "2018-03-14T00:00:00Z"),
            ("mié, 14 mar 2018 10:00:00 +0100", "2018-03-14T09:00:00Z"),
            ("Miércoles, 14 de Marzo de 2018 10:00", "2018-03-14T10:00:00Z"),
            ("lun, 07 ene 2019 10:00:00 GMT", "2019-01-07T10:00:00Z"),
            // Italian
            ("mer, 14 mar 2018 10:00:00 +0100", "2018-03-14T09:00:00Z"),
            ("giovedì 1 agosto 2019 10:00", "2019-08-01T10:00:00Z"),
            ("lun, 10 giu 2019 10:00:00 +0200", "2019-06-10T08:00:00Z"),
            // Portuguese
            ("Sáb, 01 Dez 2018 10:00:00 +0000", "2018-12-01T10:00:00Z"),
            ("sab, 01 dez 2018 10:00:00 +0000", "2018-12-01T10:00:00Z"),
            ("sábado, 1 de dezembro de 2018 10:00", "2018-12-01T10:00:00Z"),
            ("qua, 14 mar 2018 10:00:00 -0300", "2018-03-14T13:00:00Z"),
            ("segunda-feira, 5 de agosto de 2019", "2019-08-05T00:00:00Z"),
            // Dutch
            ("wo, 14 mrt 2018 10:00:00 +0100", "2018-03-14T09:00:00Z"),
            ("woensdag 14 maart 2018", "2018-03-14T00:00:00Z"),
            ("za, 4 mei 2019 12:00", "2019-05-04T12:00:00Z"),
            // Greek
            ("Τετ, 14 Μαρ 2018 10:00:00 +0200", "2018-03-14T08:00:00Z"),
            ("Κυρ, 01 Ιούλ 2018 12:00:00 GMT", "2018-07-01T12:00:00Z"),
            ("ΚΥΡΙΑΚΉ, 01 ΔΕΚΕΜΒΡΊΟΥ 2019", "2019-12-01T00:00:00Z"),
            // Hungarian
            ("2018. március 14. 10:00", "2018-03-14T10:00:00Z"),
            ("2018-március-14T10:00+01:00", "2018-03-14T09:00:00Z"),
            ("szerda, 2018. márc. 14.", "2018-03-14T00:00:00Z"),
            // Korean blogs omit the zone and mean KST (+09:00)
            ("2018년 03월 14일 10:00:00", "2018-03-14T01:00:00Z"),
            ("2018-03-14 오후 2:00:00", "2018-03-14T05:00:00Z"),
        ])
    func localised(input: String, expected: String) {
        #expect(utc(input) == expected)
    }

    // MARK: Malformed but common

    @Test(
        "Malformed forms",
        arguments: [
            ("2020-01-15 12:00:00 +0000 UTC", "2020-01-15T12:00:00Z"),  // Go's time.String()
            ("2020-01-15 12:00:00 -0500 EST", "2020-01-15T17:00:00Z"),
            ("2020-01-15 12:00:00 +0800 PHT", "2020-01-15T04:00:00Z"),  // unknown name after offset
            ("Wed, 15 Jan 2020 12:00:00 +0000 (UTC)", "2020-01-15T12:00:00Z"),
            ("Wed, 15 Jan 2020 12:00:00 -0800 (Pacific Standard Time)", "2020-01-15T20:00:00Z"),
            ("15 Jan 2020 12:00 GMT+2", "2020-01-15T10:00:00Z"),
            ("15 Jan 2020 12:00 GMT-03:30", "2020-01-15T15:30:00Z"),
            ("15 Jan 2020 12:00 UTC+0100", "2020-01-15T11:00:00Z"),
            ("15 Jan 2020 12:00 Etc/GMT", "2020-01-15T12:00:00Z"),
            ("15 Jan 2020 12:00 Etc/GMT+2", "2020-01-15T14:00:00Z"),  // POSIX sign: UTC-2
            ("01/15/2020 12:00:00", "2020-01-15T12:00:00Z"),  // US month/day/year
            ("15/01/2020 12:00:00", "2020-01-15T12:00:00Z"),  // day > 12: day/month/year
            ("03/04/2020", "2020-03-04T00:00:00Z"),  // ambiguous: MM/DD
            ("2020/01/15 12:00:00 EST", "2020-01-15T17:00:00Z"),
            ("Wed, 2020/01/15 12:00:00 EST", "2020-01-15T17:00:00Z"),
            ("15.01.2020 12:00", "2020-01-15T12:00:00Z"),  // European dotted
            ("15-Jan-2020 12:00", "2020-01-15T12:00:00Z"),
            ("Jan 15, 2020 12:00 PM", "2020-01-15T12:00:00Z"),
            ("Jan 15, 2020 12:30 AM", "2020-01-15T00:30:00Z"),
            ("Jan 15, 2020 3:45 pm", "2020-01-15T15:45:00Z"),
            ("Jan 15, 2020 3:45PM EST", "2020-01-15T20:45:00Z"),
            ("Jan 15, 2020 3:45 p.m.", "2020-01-15T15:45:00Z"),
            ("January 15th, 2020 at 9:05 AM", "2020-01-15T09:05:00Z"),
            ("Wed, 15 Jan 2020 24:00:00 GMT", "2020-01-16T00:00:00Z"),
            ("2020-01-15T24:00:00Z", "2020-01-16T00:00:00Z"),
            ("2020-01-15T24:00Z", "2020-01-16T00:00:00Z"),
            ("  Wed, 15 Jan 2020 12:00:00 GMT  ", "2020-01-15T12:00:00Z"),
            ("\n\t2020-01-15T12:00:00Z\r\n", "2020-01-15T12:00:00Z"),
            ("Wed,\u{00A0}15 Jan 2020 12:00:00 GMT", "2020-01-15T12:00:00Z"),  // no-break space
            ("Wed, 15 Jan 2020 12:00:00 GMT,", "2020-01-15T12:00:00Z"),
            ("Wed, 15 Jan 2020 23:59:60 GMT", "2020-01-16T00:00:00Z"),  // leap second rolls over
        ])
    func malformed(input: String, expected: String) {
        #expect(utc(input) == expected)
    }

    // MARK: Rejections

    @Test(
        "Garbage and out-of-range values return nil",
        arguments: [
            "", "   ", "\n", "garbage", "not a date", "Yesterday", "now", "12345", "1589500800", "12:00", "Jan 2020",
            "Jan", "+0200", "-", "T", "Z", "::", "2020-13-01", "2020-00-10", "2020-01-32", "2020-01-00",
            "2019-02-29", "2020-02-30", "2020-04-31", "2020-01-15T25:00:00Z", "2020-01-15T12:60:00Z",
            "2020-01-15T12:00:61Z", "2020-01-15T24:30:00Z", "2020-01-15T12:00:00+25:00", "2020-01-15T12:00:00+02:xx",
            "2020-01-15T12:00:00Zjunk", "2020-01-15T12:00:00-05:00 extra", "2020-01-15-05", "2020-ab-15",
            "2020-01-15T12:ab:00Z", "Wed, 32 Jan 2020 12:00:00 GMT", "Wed, 15 Foo 2020 12:00:00 GMT",
            "Wed, Jan x 2020 12:00:00 GMT", "Wed, 15 Jan zz 12:00:00 GMT", "Wed, 15 Jan 2020 25:00:00 GMT",
            "Wed, 15 Jan 2020 12:61:00 GMT", "Wed, 15 Jan 2020 1:2:3:4 GMT", "Wed, 15 Jan 2020 12:00:00 +zz00",
            "Wed, 15 Jan 2020 12:00:00 J", "Wed, 15 Jan 2020 12:00:00 EST PST", "Wed, 15 Jan 2020 12:00 +0100 +0200",
            "15 Jan 2020 13 12:00", "13/13/2020", "01-15-20", "20-01-15", "0000-01-01", "Jan 15, 2020 PM",
            "Wed, 15 Jan 2020 12:00:00 gmt#", String(repeating: "2020-01-15 ", count: 40),
        ])
    func rejects(input: String) {
        #expect(FeedDate.parse(input) == nil)
    }

    // MARK: Formatting and calendar arithmetic

    @Test(
        "rfc3339 formatting",
        arguments: [
            (0.0, "1970-01-01T00:00:00Z"),
            (1_000_000_000.0, "2001-09-09T01:46:40Z"),
            (-1.0, "1969-12-31T23:59:59Z"),
            (1.9, "1970-01-01T00:00:01Z"),
            (-0.5, "1969-12-31T23:59:59Z"),
            (951_782_400.0, "2000-02-29T00:00:00Z"),
            (253_402_300_799.0, "9999-12-31T23:59:59Z"),
            (-62_135_596_800.0, "0001-01-01T00:00:00Z"),
        ])
    func formatting(seconds: Double, expected: String) {
        #expect(FeedDate.rfc3339(Date(timeIntervalSince1970: seconds)) == expected)
    }

    /// The fast path for RFC 822's and RFC 3339's usual forms must answer as the general parser
    /// does, and must answer at all for the usual forms (else it saves nothing).
    @Test(arguments: [
        ("Tue, 05 Mar 2019 08:30:15 GMT", true), ("Tue, 5 Mar 2019 08:30:15 +0200", true), ("05 Mar 2019 08:30 UT", true),
        ("Mon, 29 Feb 2021 10:00:00 Z", true), ("Sun, 31 Dec 2023 24:00:00 -2359", true), ("Sat, 30 Jun 2012 23:59:60 UTC", true),
        ("Sat, 01 Jan 0000 00:00:00 GMT", true), ("Sat, 01 Jan 2000 00:00:00 +2400", true), ("Sat, 1 Jan 2000 0:00:00 GMT", false),
        ("Fri, 12 Dec 97 23:10:00 +0000", false), ("Tue, 05 Mar 2019 08:30:15 EST", false), ("tue, 05 mar 2019 08:30:15 gmt", false),
        ("2019-03-05T08:30:15Z", true), ("2019-03-05T08:30:15.123456789+05:30", true), ("2019-03-05T08:30:15-0800", true),
        ("2019-03-05T08:30:15", true), ("2019-02-29T08:30:15Z", true), ("9999-12-31T23:59:59-01:00", true),
        ("2019-03-05T24:00:00Z", true), ("2019-03-05T08:30:15.+05:30", false), ("2019-03-05t08:30:15z", false), ("2019-03-05", false),
        ("  2019-03-05T08:30:15Z\n", true), ("2019-03-05T08:30:15+05", false), ("2019-03-05T08:30:15+24:00", true),
    ])
    func commonFormsReadFastGiveTheGeneralAnswer(text: String, common: Bool) {
        let fast = Whitespace.withBytes(text, FeedDate.parseCommon)
        #expect(fast == nil || fast == FeedDate.parseAnyForm(text), "fast \(String(describing: fast))")
        // A form the fast path takes but finds no date in (Feb 29 of 2021) goes to the general parser.
        #expect(fast != nil || !common || FeedDate.parseAnyForm(text) == nil)
        #expect(FeedDate.parse(text) == FeedDate.parseAnyForm(text))
    }

    /// Found by fuzzing: a leap second, 24:00 or an offset must not carry a date past year 9999
    /// (or before year 1), which RFC 3339 cannot write.
    @Test func datesOutsideYearsOneTo9999AreRefused() {
        #expect(FeedDate.parse("Sun 31 Dec 9999 23:59:60 GMT") == nil)
        #expect(FeedDate.parse("9999-12-31T23:00:00-05:00") == nil)
        #expect(FeedDate.parse("0001-01-01T00:30:00+01:00") == nil)
        #expect(FeedDate.parse("9999-12-31T23:59:59Z").map(FeedDate.rfc3339) == "9999-12-31T23:59:59Z")
    }

    @Test func roundTripsThroughRFC3339() {
        for seconds in stride(from: -2_208_988_800, through: 4_102_444_800, by: 7_777_777) {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            #expect(FeedDate.parse(FeedDate.rfc3339(date)) == date)
        }
    }

    /// From 1696 on: Foundation's Gregorian calendar switches to Julian before 1582.
    @Test func civilArithmeticMatchesGregorianCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        for days in stride(from: -100_000, through: 200_000, by: 1_237) {
            let (y, m, d) = FeedDate.civilFromDays(days)
            #expect(FeedDate.daysFromCivil(y, m, d) == days)
            let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(days) * 86_400))
            #expect(parts.year == y && parts.month == m && parts.day == d)
        }
    }
}
