import Foundation

/// A story with its score, as rankings and outputs show it.
public struct RankedStory: Sendable {
    public var story: Story
    public var score: ScoreBreakdown
}

/// Orders scored stories best first and keeps a ranking varied.
public enum Ranking {
    /// The best `top` stories, muted ones dropped, at most `perSource` led by any one feed.
    /// Ties go to the newer story, then the one with more sources, then by id (stable output).
    public static func top(_ stories: [RankedStory], count top: Int, perSource: Int) -> [RankedStory] {
        let ordered = stories.filter { !$0.score.muted }.sorted { a, b in
            if a.score.total != b.score.total { return a.score.total > b.score.total }
            if a.story.lastUpdated != b.story.lastUpdated { return a.story.lastUpdated > b.story.lastUpdated }
            if a.story.sources.count != b.story.sources.count { return a.story.sources.count > b.story.sources.count }
            return a.story.id < b.story.id
        }
        var led: [String: Int] = [:]
        var result: [RankedStory] = []
        for ranked in ordered where result.count < top {
            let lead = ranked.story.leadFeed ?? ""
            guard led[lead, default: 0] < perSource else { continue }
            led[lead, default: 0] += 1
            result.append(ranked)
        }
        return result
    }
}
