import Foundation

/// Turns headline and summary text into the tokens clustering and rules compare, in any
/// language: Unicode NFKC and lower-casing, words for space-separated scripts, overlapping
/// character bigrams for Chinese, Japanese and Thai (which do not separate words), common
/// function words dropped, and a plural `s` folded.
public enum TextFeatures {
    /// The tokens of `text`, in order (duplicates kept).
    public static func tokens(_ text: String, dropStopWords: Bool = true) -> [String] {
        let normalized =
            text.unicodeScalars.allSatisfy(\.isASCII) ? text.lowercased() : text.precomposedStringWithCompatibilityMapping.lowercased()
        var tokens: [String] = []
        var word = String.UnicodeScalarView()
        var run: [Unicode.Scalar] = []

        func endWord() {
            guard !word.isEmpty else { return }
            let token = fold(String(word))
            word.removeAll(keepingCapacity: true)
            if dropStopWords, stopWords.contains(token) || isLoneLetter(token) { return }
            tokens.append(token)
        }
        func endRun() {
            guard !run.isEmpty else { return }
            if run.count == 1 {
                tokens.append(String(run[0]))
            } else {
                for index in 0..<(run.count - 1) {
                    var pair = String.UnicodeScalarView()
                    pair.append(run[index])
                    pair.append(run[index + 1])
                    tokens.append(String(pair))
                }
            }
            run.removeAll(keepingCapacity: true)
        }

        for scalar in normalized.unicodeScalars {
            if isUnsegmented(scalar) {
                endWord()
                run.append(scalar)
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                endRun()
                word.append(scalar)
            } else if scalar == "'" || scalar == "\u{2019}" || scalar == "." || scalar == "-", !word.isEmpty {
                // "don't", "U.S.", "co-op": kept inside the word, then dropped by fold.
                word.append(scalar)
            } else if scalar.properties.generalCategory == .nonspacingMark, !word.isEmpty {
                word.append(scalar)
            } else {
                endWord()
                endRun()
            }
        }
        endWord()
        endRun()
        return tokens
    }

    /// Chinese, Japanese and Thai scripts: written without spaces between words.
    static func isUnsegmented(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2EBEF, 0xF900...0xFAFF: return true  // Han
        case 0x3040...0x30FF, 0x31F0...0x31FF: return true  // Hiragana, Katakana
        case 0x0E00...0x0E7F: return true  // Thai
        default: return false
        }
    }

    /// A single letter says nothing on its own (a digit may: "5 killed").
    private static func isLoneLetter(_ token: String) -> Bool {
        token.unicodeScalars.count == 1 && !(token.unicodeScalars.first?.properties.numericType != nil)
    }

    /// Drops inner punctuation kept while scanning and folds a plural or possessive `s`.
    static func fold(_ word: String) -> String {
        var word = word
        if word.hasSuffix("'s") || word.hasSuffix("\u{2019}s") { word.removeLast(2) }
        word.removeAll { $0 == "'" || $0 == "\u{2019}" || $0 == "." || $0 == "-" }
        if word.count > 3, word.hasSuffix("ies"), word.unicodeScalars.allSatisfy(\.isASCII) {
            return word.dropLast(3) + "y"
        }
        if word.count > 3, word.hasSuffix("s"), !word.hasSuffix("ss"), !word.hasSuffix("us"), !word.hasSuffix("is"),
            word.unicodeScalars.allSatisfy(\.isASCII)
        {
            word.removeLast()
        }
        return word
    }

    /// Function words of the most common feed languages: they say nothing about the story.
    static let stopWords: Set<String> = [
        // English
        "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "by", "from", "as", "is", "are",
        "was", "were", "be", "been", "it", "its", "this", "that", "these", "those", "after", "before", "over", "into",
        "about", "amid", "up", "out", "new", "says", "said", "say", "will", "has", "have", "had", "not", "no", "than",
        "more", "how", "why", "what", "who", "when", "where", "which", "you", "your", "we", "our", "they", "their", "his",
        "her", "he", "she", "him", "can", "could", "would", "should", "may", "might", "do", "does", "did", "just", "all",
        "now", "get", "gets", "report", "update", "video", "photo",
        // French, German, Spanish, Italian, Portuguese, Dutch: articles and the commonest particles
        "le", "la", "les", "un", "une", "des", "du", "de", "et", "en", "au", "aux", "pour", "par", "sur", "dans", "est",
        "der", "die", "das", "und", "ein", "eine", "im", "mit", "von", "zu", "auf", "für", "ist", "den", "dem",
        "el", "los", "las", "y", "del", "con", "por", "para", "una", "il", "lo", "gli", "di", "che", "e", "o", "da",
        "os", "um", "uma", "het", "een", "van", "op", "met", "voor",
    ]
}
