import Foundation
import Testing

@testable import NewsdeskConfig
@testable import NewsdeskStories

@Suite struct ScorerTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func story(
        _ sources: Int, weight: Double = 1, age: TimeInterval = 0, joinedAgo: TimeInterval = 7_200, title: String = "Ceasefire announced"
    ) -> Story {
        let list = (0..<sources).map { index in
            StorySource(
                feedURL: "https://f\(index).example/feed", name: "Feed \(index)", weight: weight, tags: index == 0 ? ["world"] : [],
                link: "https://f\(index).example/a", title: title, firstSeen: now.addingTimeInterval(-joinedAgo),
                published: now.addingTimeInterval(-age))
        }
        return Story(id: "s", title: title, sources: list, firstSeen: now.addingTimeInterval(-joinedAgo), lastUpdated: now)
    }

    @Test func oneOrdinarySourceScoresTwentyToFortyAndManyWeightyOnesSeventyPlus() {
        let scorer = Scorer()
        let single = scorer.score(story(1, age: 3_600, joinedAgo: 3_600), now: now)
        #expect((20...40).contains(single.total), "\(single.total)")
        let fresh = scorer.score(story(1, age: 0, joinedAgo: 60), now: now)
        #expect((20...40).contains(fresh.total), "\(fresh.total)")
        let many = scorer.score(story(11, weight: 1.5, age: 1_800, joinedAgo: 1_800), now: now)
        #expect(many.total >= 70, "\(many.total)")
        #expect(many.summary == "11 sources, weight 1.5, +11 in the last hour")
    }

    @Test func oneMoreIndependentSourceNeverLowersTheScore() {
        let scorer = Scorer()
        for weight in [0.0, 0.5, 1, 2, 5] {
            for count in 1...30 {
                var bigger = story(count, age: 7_200)
                let before = scorer.score(bigger, now: now)
                bigger.sources.append(
                    StorySource(
                        feedURL: "https://extra.example/", name: "Extra", weight: weight, firstSeen: now.addingTimeInterval(-86_400),
                        published: now.addingTimeInterval(-86_400)))
                let after = scorer.score(bigger, now: now)
                #expect(after.total >= before.total, "weight \(weight), \(count) sources")
                #expect(
                    after.coverage + after.authority + after.velocity + after.recency >= before.coverage + before.authority
                        + before.velocity + before.recency)
            }
        }
    }

    @Test func aCopyNeverLowersTheScoreAndAddsLessThanAnIndependentSource() {
        let scorer = Scorer()
        for weight in [0.0, 0.5, 1, 2, 5] {
            for count in 1...30 {
                for copied in [0, count - 1] {  // a copy of the first report, or of the last
                    var base = story(count, age: 7_200)
                    base.sources[count - 1].copyOf = count > 1 && copied == 0 ? base.sources[0].feedURL : nil
                    let before = scorer.score(base, now: now)
                    var copy = base
                    copy.sources.append(
                        StorySource(
                            feedURL: "https://copy.example/", name: "Copy", weight: weight, copyOf: base.sources[copied].feedURL,
                            firstSeen: now.addingTimeInterval(-86_400), published: now.addingTimeInterval(-86_400)))
                    let after = scorer.score(copy, now: now)
                    #expect(after.total >= before.total, "weight \(weight), \(count) sources")
                    #expect(after.coverage >= before.coverage && after.total <= 100)
                    #expect(after.independent == before.independent && after.sourceCount == before.sourceCount + 1)
                    var independent = copy
                    independent.sources[count].copyOf = nil
                    #expect(scorer.score(independent, now: now).coverage >= after.coverage)
                }
            }
        }
    }

    @Test func fiveCopiesOfOneTextCountAsOneReportAndAFifth() {
        var wire = story(5, age: 7_200)
        for index in 1..<5 { wire.sources[index].copyOf = wire.sources[0].feedURL }
        let copies = Scorer().score(wire, now: now)
        #expect(abs(copies.coverage - 45 * (1 - exp(-0.8 / 4))) < 1e-9)  // W = 1 + 4 × 0.2
        #expect(copies.coverage < Scorer().score(story(5, age: 7_200), now: now).coverage)
        #expect(copies.independent == 1 && copies.summary == "5 outlets, 1 independent report, weight 1.0")
        wire.sources[3].copyOf = nil
        wire.sources[4].copyOf = wire.sources[3].feedURL
        let two = Scorer().score(wire, now: now)
        #expect(two.summary == "5 outlets, 2 independent reports, weight 1.0")
        #expect(two.independent == 2 && two.sourceCount == 5)
        #expect(Scorer().score(story(5), now: now).summary == "5 sources, weight 1.0")
    }

    /// A copy with more weight than its original lifts the report to its weight.
    @Test func aReportCountsItsWeightiestCopy() {
        var wire = story(2, age: 7_200)
        wire.sources[1].weight = 3
        wire.sources[1].copyOf = wire.sources[0].feedURL
        let score = Scorer().score(wire, now: now)
        #expect(abs(score.coverage - 45 * (1 - exp(-(3 + 0.2 - 1) / 4))) < 1e-9)
    }

    @Test func anOlderStoryNeverOutranksAnIdenticalNewerOne() {
        let scorer = Scorer(halfLife: 6 * 3_600)
        var previous = Int.max
        for hours in stride(from: 0.0, through: 72, by: 0.5) {
            let total = scorer.score(story(3, age: hours * 3_600), now: now).total
            #expect(total <= previous, "\(hours) h")
            previous = total
        }
        let recency = scorer.score(story(1, age: 6 * 3_600), now: now).recency
        #expect(abs(recency - 12.5) < 0.001)  // one half-life halves the 25 recency points
    }

    @Test func claimedDatesLaterThanFirstSightDoNotBuyFreshness() {
        var future = story(1, age: -86_400, joinedAgo: 7_200)
        let honest = story(1, age: 7_200, joinedAgo: 7_200)
        #expect(Scorer().score(future, now: now).recency == Scorer().score(honest, now: now).recency)
        future.sources[0].published = nil
        #expect(Scorer().score(future, now: now).recency == Scorer().score(honest, now: now).recency)
    }

    @Test func rulesAddPointsOrMuteAndShowInTheBreakdown() {
        let rules = [
            ScoreRule(words: "ceasefire", effect: .points(10), label: "peace"),
            ScoreRule(tag: "world", effect: .points(5)),
            ScoreRule(pattern: "^cease.*ANNOUNCED$", effect: .points(-3)),
            ScoreRule(words: "iphone", effect: .mute),
        ]
        let scorer = Scorer(rules: rules)
        let base = Scorer().score(story(2), now: now).total
        let scored = scorer.score(story(2), now: now)
        #expect(scored.total == base + 12)
        #expect(scored.rules.map(\.label) == ["peace", "world", "/^cease.*ANNOUNCED$/"])
        #expect(scored.summary.hasSuffix("rule 'peace' +10, rule 'world' +5, rule '/^cease.*ANNOUNCED$/' -3"))
        #expect(!scored.muted)
        #expect(scorer.score(story(2, title: "New iPhone announced"), now: now).muted)
        // Words match whole words only.
        #expect(Scorer(rules: [rules[0]]).score(story(1, title: "Preceasefire talks"), now: now).rules.isEmpty)
    }

    @Test func feedRulesMatchByNameOrURL() {
        let byName = ScoreRule(feed: "feed 1", effect: .points(7))
        let byURL = ScoreRule(feed: "https://f0.example/feed", effect: .points(1))
        #expect(Scorer(rules: [byName, byURL]).score(story(2), now: now).rules.map(\.points) == [7, 1])
        #expect(Scorer(rules: [byName]).score(story(1), now: now).rules.isEmpty)
    }

    @Test func scoresStayWithinZeroAndAHundred() {
        let up = Scorer(rules: [ScoreRule(words: "ceasefire", effect: .points(100))])
        #expect(up.score(story(40, weight: 5), now: now).total == 100)
        let down = Scorer(rules: [ScoreRule(words: "ceasefire", effect: .points(-100))])
        #expect(down.score(story(1), now: now).total == 0)
    }
}

@Suite struct RankingTests {
    func ranked(_ id: String, lead: String, score: Int) -> RankedStory {
        let source = StorySource(feedURL: lead, name: lead, firstSeen: Date(timeIntervalSince1970: 0))
        let story = Story(id: id, title: id, sources: [source], firstSeen: source.firstSeen, lastUpdated: source.firstSeen)
        var breakdown = Scorer().score(story, now: source.firstSeen)
        breakdown.total = score
        return RankedStory(story: story, score: breakdown)
    }

    @Test func noFeedFillsTheTopList() {
        let stories = (0..<10).map { ranked("a\($0)", lead: "A", score: 90 - $0) } + [ranked("b", lead: "B", score: 20)]
        let top = Ranking.top(stories, count: 5, perSource: 3)
        #expect(top.map(\.story.id) == ["a0", "a1", "a2", "b"])
    }

    @Test func mutedStoriesAreDroppedAndTiesAreStable() {
        var muted = ranked("m", lead: "M", score: 99)
        muted.score.muted = true
        let top = Ranking.top([ranked("z", lead: "Z", score: 50), muted, ranked("y", lead: "Y", score: 50)], count: 10, perSource: 3)
        #expect(top.map(\.story.id) == ["y", "z"])
    }
}
