import Foundation

/// The tolerant pass of the general parser: words and numbers in any order, in nine languages.
extension FeedDate {
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
