import FeedTestSupport
import Foundation
import Testing

@testable import NewsdeskConfig
@testable import NewsdeskStore
@testable import NewsdeskStories

@Suite struct SyndicationTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// Sources in the order given, each seen a minute after the one before.
    static func sources(_ texts: [(title: String, excerpt: String?)], weight: Double = 1) -> [StorySource] {
        texts.enumerated().map { index, text in
            StorySource(
                feedURL: "https://f\(index).example/feed", name: "Feed \(index)", weight: weight, title: text.title, excerpt: text.excerpt,
                firstSeen: start.addingTimeInterval(Double(index) * 60))
        }
    }

    static let wire = (
        title: "Magnitude 6.8 earthquake strikes Morocco, killing more than 600",
        excerpt: """
        MARRAKESH, Sept 9 (Reuters) - A powerful earthquake struck Morocco late on Friday, killing more than 600 people and \
        damaging buildings in Marrakesh and villages in the High Atlas mountains, the interior ministry said. The quake's \
        epicentre was about 70 km south-west of the city…
        """
    )

    @Test func wireCopiesWithEditsCountOnce() {
        let sources = Self.sources([
            Self.wire,
            ("UPDATE 1-Magnitude 6.8 earthquake strikes Morocco, killing more than 600", Self.wire.excerpt),
            ("Magnitude 6.8 earthquake strikes Morocco, killing more than 600 - Yahoo News", String(Self.wire.excerpt.prefix(150)) + "…"),
            (
                "Magnitude 6.8 quake strikes Morocco, killing over 600 | The Star",
                Self.wire.excerpt.replacingOccurrences(of: "powerful", with: "strong")
            ),
            ("Morocco earthquake: hundreds dead in the High Atlas", Self.wire.excerpt),  // a new headline over the wire text
        ])
        let copies = Syndication.copies(among: sources)
        #expect(copies == [nil] + Array(repeating: "https://f0.example/feed", count: 4))
        let story = Story(
            id: "s", title: Self.wire.title, sources: zip(sources, copies).map(Self.marked), firstSeen: Self.start, lastUpdated: Self.start)
        #expect(story.independent == 1)
    }

    @Test func independentReportsOfTheSameEventCountSeparately() {
        let sources = Self.sources([
            Self.wire,
            (
                "Morocco earthquake: more than 600 dead as 6.8 quake hits near Marrakesh",
                """
                Rescuers in Morocco were digging through rubble on Saturday after the strongest earthquake to hit the country in \
                decades left more than 600 people dead. Residents of Marrakesh ran into the streets as buildings shook…
                """
            ),
            (
                "Hundreds killed in Morocco quake; Marrakesh old city damaged",
                """
                At least 632 people died when a 6.8-magnitude earthquake hit the High Atlas south of Marrakesh, according to \
                Morocco's interior ministry, with villages in the mountains the worst hit…
                """
            ),
        ])
        #expect(Syndication.copies(among: sources) == [nil, nil, nil])
    }

    @Test func chineseCopiesAreFoundWithoutSpacesBetweenWords() {
        let wire = (
            title: "摩洛哥发生6.8级地震 已造成600多人死亡",
            excerpt: "新华社拉巴特9月9日电 摩洛哥内政部9日说，当地时间8日深夜发生在该国的6.8级地震已造成600多人死亡，300多人受伤。地震震中位于马拉喀什西南约70公里处，马拉喀什老城区多处建筑受损。"
        )
        let sources = Self.sources([
            wire,
            ("摩洛哥发生6.8级地震，已造成600多人死亡——新华网", String(wire.excerpt.prefix(60)) + "…"),
            (
                "马拉喀什附近强震 摩洛哥数百人遇难",
                "据摩洛哥官方消息，周五晚间袭击阿特拉斯山区的强烈地震已导致数百人丧生，救援人员正在山区村庄搜寻幸存者，许多房屋倒塌。"
            ),
        ])
        #expect(Syndication.copies(among: sources) == [nil, "https://f0.example/feed", nil])
    }

    @Test func shortHeadlinesAloneAreNotTakenForOneText() {
        // Two outlets may well write the same four words; with nothing more to compare, they stay
        // apart. From six words on, the same headline is taken for the same text.
        let sources = Self.sources([("Queen Elizabeth II dies", nil), ("Queen Elizabeth II dies", nil)])
        #expect(Syndication.copies(among: sources) == [nil, nil])
        let longer = Self.sources([(Self.wire.title, nil), (Self.wire.title + " - Reuters", nil)])
        #expect(Syndication.copies(among: longer) == [nil, "https://f0.example/feed"])
    }

    @Test func theAnswerDependsOnWhenSourcesWereSeenNotOnTheirOrder() {
        let sources = Self.sources([
            Self.wire, ("UPDATE 2-" + Self.wire.title, Self.wire.excerpt), ("Other news entirely", "Nothing alike."),
        ])
        let copies = Syndication.copies(among: sources)
        #expect(copies == [nil, "https://f0.example/feed", nil])
        #expect(Syndication.copies(among: sources.reversed()) == copies.reversed())
        // A later source never regroups the earlier ones.
        let more =
            sources
            + Self.sources([("Different", nil), (Self.wire.title, Self.wire.excerpt)]).map { source in
                var source = source
                source.feedURL += "/later"
                source.firstSeen += 3_600
                return source
            }
        #expect(Array(Syndication.copies(among: more).prefix(3)) == copies)
    }

    @Test func reportsGroupCopiesWithTheirOriginal() {
        var sources = Self.sources([Self.wire, Self.wire, Self.wire, Self.wire])
        sources[1].copyOf = sources[3].feedURL
        sources[2].copyOf = "https://gone.example/feed"  // names no source of the story: counts as its own report
        let story = Story(id: "s", title: "t", sources: sources, firstSeen: Self.start, lastUpdated: Self.start)
        #expect(
            story.reports.map { $0.map(\.feedURL) } == [
                [sources[0].feedURL], [sources[1].feedURL, sources[3].feedURL], [sources[2].feedURL],
            ])
        #expect(story.independent == 3)
    }

    static func marked(_ source: StorySource, _ copyOf: String?) -> StorySource {
        var source = source
        source.copyOf = copyOf
        return source
    }
}
