import Foundation

/// The strict ISO 8601 pass of the general parser.
extension FeedDate {
    // MARK: - Strict ISO 8601 pass
    /// `YYYY[-MM[-DD]]` or `YYYYMMDD`, then optionally `T`/`t`/space and `hh:mm[:ss[.f]]` or
    /// `hhmm[ss[.f]]`, then `Z` or `±hh[[:]mm]`. Any deviation returns nil so the loose pass
    /// gets its turn.
    static func parseISO(_ c: inout Cursor) -> Date? {
        var f = Fields()
        f.year = c.digits(max: 4).value
        let basic = c.digit()
        let dashed = c.eat("-")
        if basic {
            let v = c.digits(max: 4)
            guard v.digits == 4 else { return nil }
            (f.month, f.day) = (v.value / 100, v.value % 100)
        } else if dashed {
            let m = c.digits(max: 2)
            guard m.digits == 2 else { return nil }
            f.month = m.value
            if c.eat("-") {
                let d = c.digits(max: 2)
                guard d.digits == 2 else { return nil }
                f.day = d.value
            }
        }
        let sep = c.at(0)
        if basic || dashed, sep == "T" || sep == "t" || sep == " ", c.digit(1) {
            c.i += 1
            guard readTime(&c, &f, basic: true) else { return nil }
            // Only after a time: "2013-01-27-01" is not a date with offset -01.
            if c.eat("Z") || c.eat("z") {
                f.offset = 0
            } else if c.at(0) == "+" || c.at(0) == "-" {
                guard let o = readOffset(&c) else { return nil }
                f.offset = o
            }
        }
        guard c.i == c.end else { return nil }
        (f.month, f.day) = (f.month ?? 1, f.day ?? 1)
        return resolve(f)
    }

    /// `h:mm[:ss[.f]]`; with `basic`, also `hhmm[ss[.f]]`. A fourth `:` part is rejected.
    static func readTime(_ c: inout Cursor, _ f: inout Fields, basic: Bool) -> Bool {
        let h = c.digits(max: 2)
        let colon = c.at(0) == ":"
        guard f.hour == nil, h.digits > 0, colon || (basic && h.digits == 2) else { return false }
        var parts = [h.value]
        while parts.count < 3, colon ? c.at(0) == ":" && c.digit(1) : c.digit() {
            if colon { c.i += 1 }
            let v = c.digits(max: 2)
            guard colon || v.digits == 2 else { return false }
            parts.append(v.value)
        }
        guard parts.count >= 2 else { return false }
        (f.hour, f.minute, f.second) = (parts[0], parts[1], parts.count > 2 ? parts[2] : 0)
        if c.at(0) == "." || c.at(0) == ",", c.digit(1) {
            // Keep microseconds at most: a Double near 1e9 holds no more, and
            // ".9999999" would otherwise round up into the next second.
            var micros = 0
            var place = 100_000
            c.i += 1
            while c.digit() {
                micros += Int(c.at(0).value - 48) * place
                place /= 10
                c.i += 1
            }
            f.fraction = Double(micros) / 1e6
        }
        return c.at(0) != ":" && !c.digit()
    }

    /// `±h`, `±hh`, `±hhmm` or `±hh:mm` at the cursor, as minutes east of UTC.
    static func readOffset(_ c: inout Cursor) -> Int? {
        let sign = c.at(0) == "-" ? -1 : 1
        c.i += 1
        let v = c.digits(max: 4)
        var (hours, minutes) = v.digits > 2 ? (v.value / 100, v.value % 100) : (v.value, 0)
        if v.digits <= 2, c.eat(":") {
            let m = c.digits(max: 2)
            guard m.digits == 2 else { return nil }
            minutes = m.value
        }
        guard v.digits > 0, hours <= 23, minutes <= 59, !c.digit(), c.at(0) != ":" else { return nil }
        return sign * (hours * 60 + minutes)
    }
}
