import Testing

@testable import NewsdeskConfig
@testable import NewsdeskDaemon

/// The floor of poll intervals is the loader's to be given, not read from the environment.
@Suite struct IntervalFloorTests {
    static let text = "[newsdesk]\npoll_interval = \"2m\"\n\n[[feed]]\nurl = \"https://a.example/rss\"\ninterval = \"90s\"\n"

    @Test func theDefaultFloorRefusesShorterIntervals() throws {
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.parse(text: Self.text, path: "/x/feeds.conf") }
        let messages = error?.problems.map(\.message) ?? []
        #expect(messages.count == 2 && messages.allSatisfy { $0.contains("below the floor of 5m") }, "\(messages)")
    }

    @Test func aLowerFloorGivenToTheLoaderAllowsThemAndReachesThePolicy() throws {
        let config = try ConfigLoader.parse(text: Self.text, path: "/x/feeds.conf", minimumInterval: 60)
        #expect(config.settings.minimumInterval == 60 && config.feeds[0].interval == .seconds(90))
        let policy = PollPolicy(defaultInterval: 120, minimum: config.settings.minimumInterval)
        #expect(policy.interval(configured: 10, postsLastWeek: nil, serverInterval: nil) == 60)
        #expect(policy.gather == 6)
        #expect(throws: ConfigError.self) { try ConfigLoader.parse(text: Self.text, path: "/x/feeds.conf", minimumInterval: 100) }
    }
}
