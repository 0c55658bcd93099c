import Foundation
import Testing

@testable import NewsdeskBase
@testable import NewsdeskConfig

@Suite struct ConfigLoaderTests {
    static let full = """
        [newsdesk]
        state = "newsdesk.sqlite"        # SQLite database, created if missing
        output = "public"
        title = "Newsdesk: top news"
        feed_url = "https://news.example.org/ranked.atom"
        poll_interval = "30m"
        concurrency = 16
        per_host = 2
        timeout = "30s"
        max_body = "16MiB"

        [[feed]]
        url = "https://feeds.example.org/world.rss"
        name = "Example World"
        weight = 1.5
        interval = "15m"
        tags = ["world"]

        [[feed]]
        url = "file:demo/local.rss"
        """

    @Test func readsEveryKeyAndResolvesPathsAgainstTheConfigFolder() throws {
        let config = try ConfigLoader.parse(text: Self.full, path: "/etc/newsdesk/feeds.conf")
        #expect(config.settings.state == "/etc/newsdesk/newsdesk.sqlite")
        #expect(config.settings.output == "/etc/newsdesk/public")
        #expect(config.settings.feedURL == "https://news.example.org/ranked.atom")
        #expect(config.settings.pollInterval == .seconds(1_800))
        #expect(config.settings.timeout == .seconds(30))
        #expect(config.settings.maxBody == 16 << 20)
        #expect(config.settings.concurrency == 16 && config.settings.perHost == 2)
        #expect(config.feeds.count == 2)
        #expect(config.feeds[0].name == "Example World" && config.feeds[0].weight == 1.5)
        #expect(config.feeds[0].interval == .seconds(900) && config.feeds[0].tags == ["world"])
        #expect(config.feeds[0].line == 12)
        #expect(config.feeds[1].url == "file:demo/local.rss")
        #expect(config.feeds[1].fetchURL == "file:///etc/newsdesk/demo/local.rss")
        #expect(config.feeds[1].weight == 1.0 && config.feeds[1].interval == nil)
    }

    @Test func defaultsApplyWithoutANewsdeskTable() throws {
        let config = try ConfigLoader.parse(text: "[[feed]]\nurl = \"http://a.example/x\"\n", path: "/srv/feeds.conf")
        #expect(config.settings.state == "/srv/newsdesk.sqlite")
        #expect(config.settings.pollInterval == .seconds(1_800))
        #expect(config.settings.maxBody == 16 << 20)
    }

    @Test func everyProblemIsListedWithItsLineAndKey() throws {
        let text = """
            [newsdesk]
            poll_intervall = "30m"
            timeout = "30 seconds"
            max_body = "lots"
            concurrency = 0

            [[feed]]
            url = "ftp://example.org/feed"

            [[feed]]
            url = "https://example.org/a.rss"
            interval = "15x"
            colour = "red"

            [[feed]]
            url = "HTTPS://EXAMPLE.org/a.rss"

            [[feed]]
            name = "no url"
            """
        let error = try #require(throws: ConfigError.self) {
            try ConfigLoader.parse(text: text, path: "/x/feeds.conf", displayName: "feeds.conf")
        }
        let lines = error.problems.map(\.description)
        #expect(lines.contains("feeds.conf:2:1: poll_intervall: unknown key in [newsdesk]"))
        #expect(lines.contains { $0.hasPrefix("feeds.conf:3:1: timeout: bad duration \"30 seconds\"") })
        #expect(lines.contains { $0.hasPrefix("feeds.conf:4:1: max_body: bad size \"lots\"") })
        #expect(lines.contains { $0.hasPrefix("feeds.conf:5:1: concurrency: must be a whole number above 0") })
        #expect(lines.contains("feeds.conf:8:1: feed[1].url: not an http(s) or file: URL: ftp://example.org/feed"))
        #expect(lines.contains { $0.hasPrefix("feeds.conf:12:1: feed[2].interval: bad duration \"15x\"") })
        #expect(lines.contains("feeds.conf:13:1: feed[2].colour: unknown key in [[feed]]"))
        #expect(lines.contains("feeds.conf:16:1: feed[3].url: duplicate of feed[2]: HTTPS://EXAMPLE.org/a.rss"))
        #expect(lines.contains("feeds.conf:18:1: feed[4].url: missing: every [[feed]] needs a url"))
        #expect(error.problems.count == 9)
    }

    @Test func aBrokenTableStillHasEveryOtherKeyChecked() throws {
        let text =
            "[newsdesk]\nred_threshold = 150\n[[feed]]\nurl = \"ftp://x\"\ninterval = \"1x\"\n[[rule]]\nmatch = \"/[unclosed/\"\nadjust = \"loud\"\n"
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.parse(text: text, path: "/x/c.conf", displayName: "c.conf") }
        let lines = error.problems.map(\.description)
        #expect(lines.contains("c.conf:2:1: red_threshold: must be a score between 1 and 100, not 150"))
        #expect(lines.contains("c.conf:4:1: feed[1].url: not an http(s) or file: URL: ftp://x"))
        #expect(lines.contains { $0.hasPrefix("c.conf:5:1: feed[1].interval: bad duration \"1x\"") })
        #expect(lines.contains("c.conf:7:1: rule[1].match: not a valid regular expression: /[unclosed/"))
        #expect(lines.contains { $0.hasPrefix("c.conf:8:1: rule[1].adjust: must be whole points") })
        #expect(error.problems.count == 5)
    }

    @Test func syntaxErrorsCarryTheirLineAndColumn() throws {
        let error = try #require(throws: ConfigError.self) {
            try ConfigLoader.parse(
                text: "[newsdesk]\ntitle = \"ok\"\nconcurrency = = 3\n", path: "/x/feeds.conf", displayName: "feeds.conf")
        }
        #expect(error.problems.count == 1)
        #expect(error.problems[0].line == 3 && error.problems[0].column == 15)
        #expect(error.description.hasPrefix("feeds.conf:3:15: expected a value"))
    }

    @Test func unknownTablesAndWrongShapesAreErrors() throws {
        let error = try #require(throws: ConfigError.self) {
            try ConfigLoader.parse(
                text: "[newsdesk]\n\n[feeds]\nurl = \"http://a.example/\"\n\n[feed]\nurl = \"x\"\n", path: "/x/c.toml",
                displayName: "c.toml")
        }
        let lines = error.problems.map(\.description)
        #expect(lines.contains("c.toml:3:2: feeds: unknown table or key (expected [newsdesk], [embeddings], [[feed]] and [[rule]])"))
        #expect(
            lines.contains("c.toml: feed: must be an array of tables: [[feed]]")
                || lines.contains("c.toml:6:2: feed: must be an array of tables: [[feed]]"))
    }

    @Test func multiLineValuesDoNotConfuseTheLineFinder() throws {
        let text = """
            [[feed]]
            url = "http://a.example/feed"
            tags = [
              "x = y",
              "z",
            ]
            name = \"\"\"
            bogus = 3
            \"\"\"
            interval = "nope"
            """
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.parse(text: text, path: "/c.conf", displayName: "c.conf") }
        #expect(
            error.problems.map(\.description) == [
                "c.conf:10:1: feed[1].interval: bad duration \"nope\" (write e.g. \"90s\", \"15m\", \"1h30m\", \"2d\")"
            ])
    }

    @Test func durationsAndSizes() {
        #expect(ConfigValue.duration("90s") == .seconds(90))
        #expect(ConfigValue.duration("1h30m") == .seconds(5_400))
        #expect(ConfigValue.duration("2d") == .seconds(172_800))
        #expect(ConfigValue.duration("1w") == .seconds(604_800))
        for bad in ["", "15", "m", "15x", "-5m", "1.5h", "99999999999999999999d"] { #expect(ConfigValue.duration(bad) == nil, "\(bad)") }
        #expect(ConfigValue.size("16MiB") == 16 << 20)
        #expect(ConfigValue.size("500kB") == 500_000)
        #expect(ConfigValue.size("2 GiB") == 2 << 30)
        #expect(ConfigValue.size("1048576") == 1_048_576)
        for bad in ["", "0", "lots", "5 parsecs", "-1MB"] { #expect(ConfigValue.size(bad) == nil, "\(bad)") }
        #expect(ConfigValue.format(.seconds(5_400)) == "1h30m")
    }

    @Test func loadingAMissingFileSaysSo() throws {
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.load(path: "/nonexistent/feeds.conf") }
        #expect(error.description == "/nonexistent/feeds.conf: cannot find /nonexistent/feeds.conf (no such file or folder)")
    }

    @Test func aFolderIsNotAConfig() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-conf-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.load(path: folder) }
        #expect(error.description.hasSuffix("cannot read \(folder): it is a folder"))
    }

    @Test func errnosAreExplainedInWordsAUserCanActOn() {
        let denied = FileReading.explain(EACCES, path: "/", doing: "reading")
        #expect(denied.hasPrefix("permission denied reading / (owner root, mode 0"))
        #expect(denied.contains("; newsdesk runs as "))
        #expect(FileReading.explain(ENOSPC, path: "/var/lib/newsdesk", doing: "writing") == "the disk holding /var/lib/newsdesk is full")
    }

    @Test func safetyKeysAndCapsAreRead() throws {
        let config = try ConfigLoader.parse(
            text: """
                [newsdesk]
                allow_private_networks = true
                max_items_per_feed = 300
                max_items_per_document = 100
                max_title_chars = 120
                max_excerpt_chars = 200
                metrics_file = "metrics/newsdesk.prom"

                [[feed]]
                url = "http://192.168.1.10/feed"
                allow_private_networks = false

                [[feed]]
                url = "http://a.example/feed"
                """, path: "/srv/feeds.conf")
        #expect(config.settings.allowPrivateNetworks)
        #expect(config.settings.maxItemsPerFeed == 300 && config.settings.maxItemsPerDocument == 100)
        #expect(config.settings.maxTitleChars == 120 && config.settings.maxExcerptChars == 200)
        #expect(config.settings.metricsFile == "/srv/metrics/newsdesk.prom")
        #expect(config.feeds[0].allowPrivateNetworks == false && config.feeds[1].allowPrivateNetworks == nil)
        let defaults = try ConfigLoader.parse(text: "", path: "/srv/feeds.conf").settings
        #expect(!defaults.allowPrivateNetworks)
        #expect(defaults.maxItemsPerFeed == 2_000 && defaults.maxItemsPerDocument == 500)
        #expect(defaults.maxTitleChars == 300 && defaults.maxExcerptChars == 280 && defaults.metricsFile == nil)
    }

    @Test func intervalsBelowTheFloorAreRefusedNamingIt() throws {
        let error = try #require(throws: ConfigError.self) {
            try ConfigLoader.parse(
                text: """
                    [newsdesk]
                    poll_interval = "1m"
                    allow_private_networks = "yes"
                    max_items_per_feed = 50

                    [[feed]]
                    url = "http://a.example/feed"
                    interval = "1s"
                    """, path: "/srv/feeds.conf", displayName: "c.conf")
        }
        #expect(
            error.problems.map(\.description) == [
                "c.conf:2:1: poll_interval: 1m is below the floor of 5m: no feed is polled more often than every 5m",
                "c.conf:3:1: allow_private_networks: must be true or false, not \"yes\"",
                "c.conf:4:1: max_items_per_document: must not exceed max_items_per_feed (50): the items of one document are all kept",
                "c.conf:8:1: feed[1].interval: 1s is below the floor of 5m: no feed is polled more often than every 5m",
            ])
    }

    @Test func aTildeIsTheHomeFolderNotAFolderNamedTilde() throws {
        let home = NSHomeDirectory()
        let config = try ConfigLoader.parse(
            text: "[newsdesk]\nstate = \"~/news/state.sqlite\"\noutput = \"~\"\n[[feed]]\nurl = \"file:~/feeds/a.rss\"\n",
            path: "/srv/feeds.conf")
        #expect(config.settings.state == home + "/news/state.sqlite")
        #expect(config.settings.output == home)
        #expect(config.feeds[0].fetchURL == URL(fileURLWithPath: home + "/feeds/a.rss").absoluteString)
    }
}
