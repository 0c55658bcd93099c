import Foundation

/// Readers for the human-written values of `feeds.conf`: durations ("90s", "15m", "1h30m",
/// "2d") and sizes ("16MiB", "500kB", "1048576").
public enum ConfigValue {
    /// Parses a duration made of one or more `<number><unit>` parts, units s, m, h, d, w.
    public static func duration(_ text: String) -> Duration? {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]
        var total: Int64 = 0
        var number: Int64?
        for character in text.trimmingCharacters(in: .whitespaces) {
            if let digit = character.wholeNumberValue, character.isASCII {
                let (value, overflow) = (number ?? 0).multipliedReportingOverflow(by: 10)
                guard !overflow, value < Int64.max / 1_000_000 else { return nil }
                number = value + Int64(digit)
            } else if let unit = units[character], let value = number {
                total += value * unit
                guard total < Int64.max / 1_000 else { return nil }
                number = nil
            } else {
                return nil
            }
        }
        // A bare number, or a trailing number without a unit, is ambiguous: refuse it.
        guard number == nil, total > 0 else { return nil }
        return .seconds(total)
    }

    /// Parses a byte count: a plain integer, or a number with B, kB/KB, KiB, MB, MiB, GB, GiB.
    public static func size(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard let value = Int(digits), value > 0 else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let factors: [String: Int] = [
            "": 1, "b": 1, "kb": 1_000, "kib": 1 << 10, "mb": 1_000_000, "mib": 1 << 20, "gb": 1_000_000_000, "gib": 1 << 30,
        ]
        guard let factor = factors[unit] else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: factor)
        return overflow ? nil : bytes
    }

    /// The shortest way to write a duration back ("1h30m").
    public static func format(_ duration: Duration) -> String {
        var seconds = duration.components.seconds
        guard seconds > 0 else { return "0s" }
        var text = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60), ("s", 1)] where seconds >= size {
            text += "\(seconds / size)\(unit)"
            seconds %= size
        }
        return text
    }
}
