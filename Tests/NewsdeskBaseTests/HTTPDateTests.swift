import Foundation
import Testing

@testable import NewsdeskBase

@Suite struct HTTPDateTests {
    /// RFC 9110's own example, 1994-11-06T08:49:37Z, in its three forms.
    static let example = Date(timeIntervalSince1970: 784_111_777)

    @Test func theThreeFormsOfRFC9110AreRead() {
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == Self.example)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == Self.example)
        #expect(HTTPDate.parse("Sun Nov  6 08:49:37 1994") == Self.example)
    }

    @Test func aNumericZoneIsReadAsWritten() {
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 +0000") == Self.example)
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 03:49:37 -0500") == Self.example)
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 10:19:37 +0130") == Self.example)
    }

    @Test func aTwoDigitYearBefore70IsThisCentury() {
        #expect(HTTPDate.parse("Friday, 15-Jan-27 08:00:00 GMT") == Date(timeIntervalSince1970: 1_800_000_000))
    }

    @Test func whatIsNotAnHTTPDateIsNil() {
        for text in [
            "", "0", "-1", "soon", "2027-01-15T08:00:00Z", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 EST", "Sun, 06 Nov 94 08:49:37 GMT", "Sun, 06 Nov 1994",
        ] {
            #expect(HTTPDate.parse(text) == nil, "\(text)")
        }
    }
}
