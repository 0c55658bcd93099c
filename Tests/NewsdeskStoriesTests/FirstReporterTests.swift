import Foundation
import Testing

@testable import NewsdeskStories

/// Who reported a story first: the earliest plausible claimed date, else the first sight.
@Suite struct FirstReporterTests {
    static let noon = Date(timeIntervalSince1970: 1_800_000_000)

    static func story(_ sources: [StorySource]) -> Story {
        Story(id: "s", title: "t", sources: sources, firstSeen: noon, lastUpdated: noon)
    }

    @Test func theEarliestSightWinsWhenNoFeedClaimsADate() {
        let story = Self.story([
            StorySource(feedURL: "a", name: "A", firstSeen: Self.noon + 600), StorySource(feedURL: "b", name: "B", firstSeen: Self.noon),
        ])
        #expect(story.firstReporter?.name == "B")
    }

    @Test func aPlausibleClaimedDateCountsAndAnImplausibleOneDoesNot() {
        // A claims an hour before it was seen (it was polled late): first. C claims a date after
        // it was seen: it counts from its sight.
        let story = Self.story([
            StorySource(feedURL: "b", name: "B", firstSeen: Self.noon),
            StorySource(feedURL: "a", name: "A", firstSeen: Self.noon + 900, published: Self.noon - 3_600),
            StorySource(feedURL: "c", name: "C", firstSeen: Self.noon + 60, published: Self.noon + 7_200),
        ])
        #expect(story.firstReporter?.name == "A")
        let backdated = Self.story([
            StorySource(feedURL: "b", name: "B", firstSeen: Self.noon),
            StorySource(feedURL: "d", name: "D", firstSeen: Self.noon + 60, published: Self.noon - 365 * 86_400),
        ])
        // D's claim is held to a day before its sight: still earlier than B, but not by a year.
        #expect(Story.reported(backdated.sources[1]) == Self.noon + 60 - 86_400)
        let late = Self.story([
            StorySource(feedURL: "b", name: "B", firstSeen: Self.noon),
            StorySource(feedURL: "c", name: "C", firstSeen: Self.noon - 60, published: Self.noon + 7_200),
        ])
        #expect(late.firstReporter?.name == "C" && Story.reported(late.sources[1]) == Self.noon - 60)
    }

    @Test func tiesGoToTheStorysOrder() {
        let story = Self.story([
            StorySource(feedURL: "a", name: "A", firstSeen: Self.noon), StorySource(feedURL: "b", name: "B", firstSeen: Self.noon),
        ])
        #expect(story.firstReporter?.name == "A")
    }
}
