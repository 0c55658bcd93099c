/// Reads the bare token of a value (what is neither a string, an array nor an inline table):
/// a boolean, an integer in any of TOML's four bases, a float, or a date-time.
enum TOMLBareValue {
    /// What is wrong with a token, written as a string literal.
    struct Problem: Error, ExpressibleByStringInterpolation {
        let message: String
        init(stringLiteral value: String) { message = value }
        init(stringInterpolation: DefaultStringInterpolation) { message = String(stringInterpolation: stringInterpolation) }
    }

    /// The value of `token`, or what is wrong with it in words a user can act on.
    static func parse(_ token: ArraySlice<UInt8>) -> Result<TOMLValue.Kind, Problem> {
        let text = String(decoding: token, as: UTF8.self)
        switch text {
        case "true": return .success(.boolean(true))
        case "false": return .success(.boolean(false))
        case "inf", "+inf": return .success(.float(.infinity))
        case "-inf": return .success(.float(-.infinity))
        case "nan", "+nan", "-nan": return .success(.float(.nan))
        case "": return .failure("expected a value: a string, number, true or false, date, [array] or { inline table }")
        default: break
        }
        if looksLikeDateTime(token) {
            switch TOMLDateTime.parse(token) {
            case .success(let value): return .success(.dateTime(value))
            case .failure(let problem): return .failure("\(text): \(problem.message)")
            }
        }
        let bytes = Array(token)
        if let first = bytes.first, (first | 0x20) >= UInt8(ascii: "a"), (first | 0x20) <= UInt8(ascii: "z") {
            return .failure("\(text) is not a value: a string needs quotes (\"…\"); true, false, inf and nan are lowercase")
        }
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0"), let radix = radix(bytes[1]) {
            return integer(bytes.dropFirst(2), radix: radix, text: text)
        }
        let isFloat = bytes.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        return isFloat ? float(bytes, text: text) : decimal(bytes, text: text)
    }

    /// `1979-05-27…` or `07:32…`: four digits and a dash, or two digits and a colon.
    private static func looksLikeDateTime(_ token: ArraySlice<UInt8>) -> Bool {
        let bytes = Array(token.prefix(5))
        func digits(_ count: Int) -> Bool { bytes.count > count && bytes[..<count].allSatisfy(isDigit) }
        return (digits(4) && bytes[4] == UInt8(ascii: "-")) || (digits(2) && bytes[2] == UInt8(ascii: ":"))
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func radix(_ letter: UInt8) -> Int? {
        switch letter {
        case UInt8(ascii: "x"): return 16
        case UInt8(ascii: "o"): return 8
        case UInt8(ascii: "b"): return 2
        default: return nil
        }
    }

    /// Digits with single underscores between them (never first, last or doubled); nil if not.
    private static func digitsWithoutUnderscores(_ bytes: ArraySlice<UInt8>, valid: (UInt8) -> Bool) -> [UInt8]? {
        var out: [UInt8] = []
        var previousWasDigit = false
        for byte in bytes {
            if byte == UInt8(ascii: "_") {
                guard previousWasDigit else { return nil }
                previousWasDigit = false
            } else {
                guard valid(byte) else { return nil }
                out.append(byte)
                previousWasDigit = true
            }
        }
        return previousWasDigit ? out : nil
    }

    private static func integer(_ body: ArraySlice<UInt8>, radix: Int, text: String) -> Result<TOMLValue.Kind, Problem> {
        let names = [16: "hexadecimal", 8: "octal", 2: "binary"]
        let name = names[radix] ?? "integer"
        guard
            let digits = digitsWithoutUnderscores(body, valid: { TOMLScanner.hexValue($0).map { Int($0) < radix } ?? false })
        else {
            return .failure("\(text) is not a \(name) integer: digits, with single underscores only between them")
        }
        guard let value = Int64(String(decoding: digits, as: UTF8.self), radix: radix) else {
            return .failure("\(text) is too large: integers go up to 9223372036854775807 (0x7FFFFFFFFFFFFFFF)")
        }
        return .success(.integer(value))
    }

    private static func decimal(_ bytes: [UInt8], text: String) -> Result<TOMLValue.Kind, Problem> {
        let signed = bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-")
        let body = bytes.dropFirst(signed ? 1 : 0)
        guard let digits = digitsWithoutUnderscores(body, valid: isDigit) else {
            return .failure("\(text) is not a number: digits, with single underscores only between them")
        }
        if digits.count > 1 && digits.first == UInt8(ascii: "0") { return .failure("\(text): an integer cannot start with 0") }
        let sign = bytes.first == UInt8(ascii: "-") ? "-" : ""
        guard let value = Int64(sign + String(decoding: digits, as: UTF8.self)) else {
            return .failure("\(text) is out of range: integers go from -9223372036854775808 to 9223372036854775807")
        }
        return .success(.integer(value))
    }

    /// `[+-]int[.frac][(e|E)[+-]exp]`, a fraction or an exponent or both, digits on both sides of the point.
    private static func float(_ bytes: [UInt8], text: String) -> Result<TOMLValue.Kind, Problem> {
        let bad = Result<TOMLValue.Kind, Problem>.failure(
            "\(text) is not a number: write e.g. 3.14, -0.5, 1e6 or 6.02e+23 (digits on both sides of the point)")
        var rest = bytes[...]
        var clean: [UInt8] = []
        if let first = rest.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            clean.append(first)
            rest = rest.dropFirst()
        }
        let exponentAt = rest.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let mantissa = rest[..<(exponentAt ?? rest.endIndex)]
        let pointAt = mantissa.firstIndex(of: UInt8(ascii: "."))
        guard let whole = digitsWithoutUnderscores(mantissa[..<(pointAt ?? mantissa.endIndex)], valid: isDigit) else { return bad }
        if whole.count > 1 && whole.first == UInt8(ascii: "0") { return .failure("\(text): a number cannot start with 0") }
        clean += whole
        if let pointAt {
            guard let fraction = digitsWithoutUnderscores(mantissa[(pointAt + 1)...], valid: isDigit) else { return bad }
            clean += [UInt8(ascii: ".")] + fraction
        }
        if let exponentAt {
            var exponent = rest[(exponentAt + 1)...]
            clean.append(UInt8(ascii: "e"))
            if let sign = exponent.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                clean.append(sign)
                exponent = exponent.dropFirst()
            }
            guard let digits = digitsWithoutUnderscores(exponent, valid: isDigit) else { return bad }
            clean += digits
        }
        guard let value = Double(String(decoding: clean, as: UTF8.self)) else { return bad }
        return .success(.float(value))
    }
}
