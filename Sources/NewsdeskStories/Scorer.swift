import Foundation
import NewsdeskConfig

/// Why a story scored what it did: each part's points, each rule that fired, the total.
public struct ScoreBreakdown: Sendable, Equatable {
    /// Independent reports (copies adding a fifth of their weight), with diminishing returns on
    /// their summed weight.
    public var coverage: Double
    /// The weightiest source's weight.
    public var authority: Double
    /// Sources that joined in the last hour.
    public var velocity: Double
    /// Freshness of the newest report, halving every `half_life`.
    public var recency: Double
    /// Points from the user's rules, by rule label.
    public var rules: [(label: String, points: Int)]
    /// A rule said "mute": the story is not ranked at all.
    public var muted: Bool
    /// The score, 0-100.
    public var total: Int
    /// Facts behind the parts, for the one-line explanation.
    public var sourceCount: Int
    /// How many independent reports the sources are (fewer than `sourceCount` when some carry
    /// the same wire copy).
    public var independent: Int
    public var meanWeight: Double
    public var joinedLastHour: Int

    public static func == (a: ScoreBreakdown, b: ScoreBreakdown) -> Bool {
        a.coverage == b.coverage && a.authority == b.authority && a.velocity == b.velocity && a.recency == b.recency
            && a.rules.map(\.label) == b.rules.map(\.label) && a.rules.map(\.points) == b.rules.map(\.points) && a.muted == b.muted
            && a.total == b.total
    }

    /// `value` rounded to one decimal, as the explanation and the stored breakdown show it.
    public static func tenths(_ value: Double) -> Double { (value * 10).rounded() / 10 }

    /// "11 sources, weight 1.4, +2 in the last hour, rule 'world' +10"; "5 outlets, 2 independent
    /// reports, weight 1.4" when some sources are copies.
    public var summary: String {
        var parts = ["\(sourceCount) source\(sourceCount == 1 ? "" : "s")"]
        if independent < sourceCount {
            parts = ["\(sourceCount) outlets", "\(independent) independent report\(independent == 1 ? "" : "s")"]
        }
        parts.append("weight \(Self.tenths(meanWeight))")
        if joinedLastHour > 0 { parts.append("+\(joinedLastHour) in the last hour") }
        for rule in rules { parts.append("rule '\(rule.label)' \(rule.points >= 0 ? "+" : "")\(rule.points)") }
        return parts.joined(separator: ", ")
    }
}

/// The importance score, 0-100 (see docs/STORIES.md, which this code follows line by line):
///
///     coverage  = 45 × (1 − e^(−(W − 1) / 4))     W = Σ over independent reports of (the report's
///                                                  highest weight + 0.2 × the other copies' weights)
///     authority = 15 × min(max weight, 2) / 2
///     velocity  = 15 × (1 − e^(−j / 2))            j = sources that joined in the last hour
///     recency   = 25 × 0.5^(age / half_life)       age = now − newest report (claimed date, never
///                                                  later than when Newsdesk saw it)
///     score     = clamp(round(coverage + authority + velocity + recency + rules), 0, 100)
///
/// Every part grows with sources and shrinks with age, so one more source never lowers a score
/// (a new report adds its weight to W, a copy a fifth of its weight, or more if it outweighs its
/// report's best) and an older story never outranks an identical newer one. A report is a
/// source and its copies (``Story/reports``, set by ``Syndication``): five outlets printing the
/// same wire text count about as much as 1.8 independent ones.
public struct Scorer {
    /// What a copy of a report adds to W, as a fraction of its weight.
    public static let copyShare = 0.2

    public var halfLife: TimeInterval
    public let rules: [ScoreRule]
    /// The rules made ready once: words tokenized, regular expressions compiled.
    private let matchers: [RuleMatcher]

    public init(halfLife: TimeInterval = 6 * 3_600, rules: [ScoreRule] = []) {
        self.halfLife = halfLife
        self.rules = rules
        self.matchers = rules.map(RuleMatcher.init)
    }

    public func score(_ story: Story, now: Date) -> ScoreBreakdown {
        let weights = story.sources.map { max($0.weight, 0) }
        let summed = weights.reduce(0, +)
        let reports = story.reports
        let covered = reports.map { report in
            let weights = report.map { max($0.weight, 0) }
            let best = weights.max() ?? 0
            return best + Self.copyShare * (weights.reduce(0, +) - best)
        }
        let coverage = 45 * (1 - exp(-max(covered.reduce(0, +) - 1, 0) / 4))
        let authority = 15 * min(weights.max() ?? 0, 2) / 2
        let joined = story.sources.filter { now.timeIntervalSince($0.firstSeen) < 3_600 }.count
        let velocity = 15 * (1 - exp(-Double(joined) / 2))
        let newest = story.sources.map { source in min(source.published ?? source.firstSeen, source.firstSeen) }.max() ?? story.firstSeen
        let age = max(now.timeIntervalSince(newest), 0)
        let recency = 25 * pow(0.5, age / max(halfLife, 1))
        var fired: [(label: String, points: Int)] = []
        var muted = false
        // A story's texts are tokenized once, whatever the number of rules.
        var texts = RuleMatcher.Texts(story)
        for matcher in matchers where matcher.matches(story, &texts) {
            let rule = matcher.rule
            switch rule.effect {
            case .points(let points): fired.append((rule.label, points))
            case .mute: muted = true
            }
        }
        let raw = coverage + authority + velocity + recency + Double(fired.map(\.points).reduce(0, +))
        return ScoreBreakdown(
            coverage: coverage, authority: authority, velocity: velocity, recency: recency, rules: fired, muted: muted,
            total: min(max(Int(raw.rounded()), 0), 100), sourceCount: story.sources.count, independent: reports.count,
            meanWeight: weights.isEmpty ? 0 : summed / Double(weights.count), joinedLastHour: joined)
    }
}

/// Whether a `[[rule]]` applies to a story: every condition it sets must hold.
struct RuleMatcher {
    let rule: ScoreRule
    private let words: [String]?
    private let regex: Regex<AnyRegexOutput>?

    init(_ rule: ScoreRule) {
        self.rule = rule
        words = rule.words.map { TextFeatures.tokens($0, dropStopWords: false) }
        regex = rule.pattern.flatMap { try? Regex($0).ignoresCase() }
    }

    /// A story's title and excerpt, tokenized on first use.
    struct Texts {
        let title: String
        let excerpt: String?
        private var titleTokens: [String]?
        private var excerptTokens: [String]?

        init(_ story: Story) {
            title = story.title
            excerpt = story.excerpt
        }

        mutating func tokens(ofTitle: Bool) -> [String] {
            if ofTitle {
                if titleTokens == nil { titleTokens = TextFeatures.tokens(title, dropStopWords: false) }
                return titleTokens ?? []
            }
            if excerptTokens == nil { excerptTokens = excerpt.map { TextFeatures.tokens($0, dropStopWords: false) } ?? [] }
            return excerptTokens ?? []
        }
    }

    func matches(_ story: Story, _ texts: inout Texts) -> Bool {
        if let feed = rule.feed {
            let wanted = feed.lowercased()
            guard story.sources.contains(where: { $0.name.lowercased() == wanted || $0.feedURL.lowercased() == wanted }) else {
                return false
            }
        }
        if let tag = rule.tag {
            let wanted = tag.lowercased()
            guard story.sources.contains(where: { $0.tags.contains { $0.lowercased() == wanted } }) else { return false }
        }
        guard rule.words != nil || rule.pattern != nil else { return true }
        let inTitle = rule.fields.contains(.title)
        let inSummary = rule.fields.contains(.summary) && texts.excerpt != nil
        if let words {
            guard !words.isEmpty else { return false }
            return (inTitle && Self.contains(texts.tokens(ofTitle: true), words))
                || (inSummary && Self.contains(texts.tokens(ofTitle: false), words))
        }
        guard let regex else { return false }
        return (inTitle && texts.title.contains(regex)) || (inSummary && texts.excerpt?.contains(regex) == true)
    }

    /// Whether `needle` occurs as a contiguous run in `haystack`.
    private static func contains(_ haystack: [String], _ needle: [String]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { start in Array(haystack[start..<(start + needle.count)]) == needle }
    }
}
