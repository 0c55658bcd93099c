import Foundation

/// Text made safe for the formats Newsdesk writes.
public enum Escaping {
    /// `text` as a double-quoted string literal that JSON and TOML both read back exactly.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += String(format: "\\u%04X", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// `text` for XML character data or a double-quoted attribute: markup characters escaped,
    /// line breaks kept as references (so attributes keep them), characters XML forbids dropped.
    public static func xml(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n", "\t", "\r": out += "&#\(scalar.value);"
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `text` for HTML text or a double-quoted attribute: markup characters escaped, line breaks
    /// and tabs as spaces, and what HTML forbids in a document (C0 and C1 controls,
    /// noncharacters) dropped.
    public static func html(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n", "\t", "\r": out += " "
            case _ where scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value): continue
            case _ where (0xFDD0...0xFDEF).contains(scalar.value) || scalar.value & 0xFFFE == 0xFFFE: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
