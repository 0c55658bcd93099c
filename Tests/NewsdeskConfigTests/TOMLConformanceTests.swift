import Foundation
import Testing

@testable import NewsdeskConfig

/// ``TOMLParser`` against toml-test (Fixtures/toml-test: toml-lang/toml-test, MIT, see its
/// LICENSE and SOURCE.txt): every case that `files-toml-1.0.0` lists. A valid case must parse to
/// the value of its `.json` (toml-test's tagged form); an invalid one must be refused with a line
/// and column of at least 1.
///
/// Values are compared in the tagged form: integers by value, floats numerically (nan and inf by
/// name), offset date-times as instants (same moment, any offset), local date-times, dates and
/// times by their fields; fractions of a second compare with trailing zeros dropped.
@Suite struct TOMLConformanceTests {
    /// The valid cases on disk that are not TOML 1.0 (not in `files-toml-1.0.0`), all refused, each for a 1.1-only feature.
    static let onlyTOML11: [String: String] = [
        "valid/datetime/no-seconds.toml": "a time without seconds (07:32)",
        "valid/spec-1.1.0/common-29.toml": "an offset date-time without seconds (1979-05-27 07:32Z)",
        "valid/spec-1.1.0/common-31.toml": "a local date-time without seconds (1979-05-27T07:32)",
        "valid/spec-1.1.0/common-34.toml": "a local time without seconds (07:32)",
        "valid/inline-table/newline.toml": "newlines and a trailing comma inside an inline table",
        "valid/inline-table/newline-comment.toml": "newlines and comments inside an inline table",
        "valid/key/empty-05.toml": "newlines and trailing commas inside inline tables",
        "valid/spec-1.1.0/common-47.toml": "newlines and trailing commas inside an inline table",
        "valid/string/escape-esc.toml": "the \\e escape",
        "valid/string/hex-escape.toml": "the \\xHH escape",
        "valid/spec-1.1.0/common-12.toml": "the \\xHH escape",
    ]

    static let root = Bundle.module.url(forResource: "toml-test", withExtension: nil, subdirectory: "Fixtures")

    static func list(_ name: String) throws -> [String] {
        let root = try #require(Self.root)
        let text = try String(contentsOf: root.appendingPathComponent("tests/" + name), encoding: .utf8)
        return text.split(separator: "\n").map(String.init).filter { $0.hasSuffix(".toml") }
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        let root = try #require(Self.root)
        return [UInt8](try Data(contentsOf: root.appendingPathComponent("tests/" + name)))
    }

    @Test func everyValidCaseParsesToItsJSON() throws {
        let (count, failures) = try Self.run("valid/") { name throws in try Self.check(valid: name) }
        #expect(count == 210)
        #expect(failures.isEmpty, "accepted \(count - failures.count)/\(count):\n\(failures.joined(separator: "\n"))")
    }

    @Test func everyInvalidCaseIsRefusedWithALineAndColumn() throws {
        let (count, failures) = try Self.run("invalid/") { name throws in try Self.check(invalid: name) }
        #expect(count == 499)
        #expect(failures.isEmpty, "refused \(count - failures.count)/\(count):\n\(failures.joined(separator: "\n"))")
    }

    /// The cases of the 1.0 list under `folder`, each checked: how many, and what went wrong.
    static func run(_ folder: String, _ check: (String) throws -> String?) throws -> (count: Int, failures: [String]) {
        let cases = try list("files-toml-1.0.0").filter { $0.hasPrefix(folder) }
        return (cases.count, try cases.compactMap(check))
    }

    /// The cases of toml-test's 1.1 list: the invalid ones are invalid in 1.0 too, and the valid
    /// ones are accepted unless they use what only 1.1 allows.
    @Test func theTOML11CasesAreRefusedOnlyForWhatOnlyTOML11Allows() throws {
        let cases = try Self.list("files-toml-1.1.0")
        let known = Set(try Self.list("files-toml-1.0.0"))
        var failures: [String] = []
        var refused: [String] = []
        for name in cases where !known.contains(name) {
            if name.hasPrefix("invalid/") {
                if let failure = try Self.check(invalid: name) { failures.append(failure) }
            } else if try Self.check(valid: name) != nil {
                refused.append(name)
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        #expect(Set(refused) == Set(Self.onlyTOML11.keys), "\(refused)")
    }

    /// A short description of what is wrong with a valid case, or nil if it parses to its JSON.
    static func check(valid name: String) throws -> String? {
        let table: TOMLTable
        let input = try bytes(name)
        do {
            table = try TOMLParser.parse(bytes: input)
        } catch {
            return "\(name): refused: \(error)"
        }
        let json = try JSONSerialization.jsonObject(with: Data(try bytes(String(name.dropLast(5)) + ".json")), options: [.fragmentsAllowed])
        let expected = try Tagged(json: json)
        let actual = Tagged(TOMLValue(.table(table), at: TOMLPosition(line: 1, column: 1)))
        return actual == expected ? nil : "\(name): got \(actual), expected \(expected)"
    }

    static func check(invalid name: String) throws -> String? {
        let input = try bytes(name)
        do {
            let table = try TOMLParser.parse(bytes: input)
            return "\(name): accepted: \(TOMLValue(.table(table), at: TOMLPosition(line: 1, column: 1)).tomlText)"
        } catch {
            guard error.position.line >= 1, error.position.column >= 1, !error.message.isEmpty else {
                return "\(name): refused without a place or a reason: \(error)"
            }
            return nil
        }
    }
}

/// toml-test's tagged JSON: tables, arrays, and scalars as a type and a normalized value.
private indirect enum Tagged: Equatable, CustomStringConvertible {
    case table([String: Tagged])
    case array([Tagged])
    case scalar(type: String, value: String)

    struct Malformed: Error { let json: String }

    init(_ value: TOMLValue) {
        switch value.kind {
        case .string(let text): self = .scalar(type: "string", value: text)
        case .integer(let number): self = .scalar(type: "integer", value: String(number))
        case .float(let number): self = .scalar(type: "float", value: Self.float(number))
        case .boolean(let flag): self = .scalar(type: "bool", value: String(flag))
        case .dateTime(let dateTime): self = .scalar(type: dateTime.kind, value: Self.dateTime(dateTime))
        case .array(let items): self = .array(items.map(Tagged.init))
        case .table(let table):
            self = .table(Dictionary(uniqueKeysWithValues: table.entries.map { ($0.key, Tagged($0.value)) }))
        }
    }

    init(json: Any) throws {
        if let items = json as? [Any] {
            self = .array(try items.map(Tagged.init(json:)))
            return
        }
        guard let object = json as? [String: Any] else { throw Malformed(json: "\(json)") }
        if object.count == 2, let type = object["type"] as? String, let value = object["value"] as? String {
            switch type {
            case "integer":
                guard let number = Int64(value) else { throw Malformed(json: value) }
                self = .scalar(type: type, value: String(number))
            case "float":
                let named = ["nan": Double.nan, "+nan": .nan, "-nan": .nan, "inf": .infinity, "+inf": .infinity, "-inf": -.infinity]
                guard let number = named[value] ?? Double(value) else { throw Malformed(json: value) }
                self = .scalar(type: type, value: Self.float(number))
            case "datetime", "datetime-local", "date-local", "time-local":
                guard case .success(let dateTime) = TOMLDateTime.parse(ArraySlice(value.utf8)) else { throw Malformed(json: value) }
                self = .scalar(type: type, value: Self.dateTime(dateTime))
            default:
                self = .scalar(type: type, value: value)
            }
            return
        }
        self = .table(try object.mapValues(Tagged.init(json:)))
    }

    static func float(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number < 0 ? "-inf" : "+inf" }
        return String(number)
    }

    /// Offset date-times as seconds since 1970 (the same instant whatever the offset); the rest as written, fractions without trailing zeros.
    static func dateTime(_ value: TOMLDateTime) -> String {
        var value = value
        if var time = value.time {
            while time.fraction.hasSuffix("0") { time.fraction.removeLast() }
            value.time = time
        }
        guard let offset = value.offsetMinutes, let date = value.date, let time = value.time else { return value.description }
        let days = daysSince1970(year: date.year, month: date.month, day: date.day)
        let seconds = days * 86_400 + time.hour * 3_600 + time.minute * 60 + time.second - offset * 60
        return "\(seconds).\(time.fraction)"
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    var description: String {
        switch self {
        case .table(let entries):
            return "{" + entries.keys.sorted().map { "\($0): \(entries[$0]?.description ?? "")" }.joined(separator: ", ") + "}"
        case .array(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .scalar(let type, let value): return "\(type) \(value.debugDescription)"
        }
    }
}
