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

@Suite struct EmbeddingConfigTests {
    static func problems(_ text: String) throws -> [String] {
        let error = try #require(throws: ConfigError.self) {
            try ConfigLoader.parse(text: text, path: "/x/feeds.conf", displayName: "c.conf")
        }
        return error.problems.map(\.description)
    }

    @Test func everyEmbeddingsKeyIsRead() throws {
        let config = try ConfigLoader.parse(
            text: """
                [embeddings]
                url = "http://127.0.0.1:11434/v1/embeddings"
                model = "nomic-embed-text"
                batch = 16
                timeout = "20s"
                prefix = "query: "
                excerpt_chars = 300
                api_key_file = "secrets/embed.key"
                """, path: "/etc/newsdesk/feeds.conf")
        var expected = EmbeddingSettings(url: "http://127.0.0.1:11434/v1/embeddings", model: "nomic-embed-text")
        expected.batch = 16
        expected.timeout = .seconds(20)
        expected.prefix = "query: "
        expected.excerptChars = 300
        expected.apiKeyFile = "/etc/newsdesk/secrets/embed.key"
        #expect(config.embeddings == expected)
        let byEnvironment = try ConfigLoader.parse(
            text: "[embeddings]\nurl = \"https://embed.example/v1/embeddings\"\nmodel = \"m\"\napi_key_env = \"EMBED_KEY\"\n",
            path: "/x/feeds.conf")
        #expect(byEnvironment.embeddings?.apiKeyEnv == "EMBED_KEY" && byEnvironment.embeddings?.apiKeyFile == nil)
        #expect(byEnvironment.embeddings?.batch == 32 && byEnvironment.embeddings?.timeout == .seconds(60))
        #expect(try ConfigLoader.parse(text: "", path: "/x/feeds.conf").embeddings == nil)
    }

    @Test func aMissingURLOrModelIsNamed() throws {
        let lines = try Self.problems("[newsdesk]\ntitle = \"t\"\n\n[embeddings]\nbatch = 8\n")
        #expect(lines.contains { $0.hasPrefix("c.conf:4:1: embeddings.url: missing: the embeddings endpoint") })
        #expect(lines.contains("c.conf:4:1: embeddings.model: missing: the model's name as the server knows it"))
        #expect(lines.count == 2)
        let empty = try Self.problems("[embeddings]\nurl = \"http://127.0.0.1:1/v1/embeddings\"\nmodel = \" \"\n")
        #expect(empty == ["c.conf:3:1: embeddings.model: empty"])
    }

    @Test func badValuesAreProblemsWithTheirLineAndKey() throws {
        let lines = try Self.problems(
            """
            [embeddings]
            url = "ftp://127.0.0.1/embeddings"
            model = "m"
            batch = 0
            timeout = "soon"
            excerpt_chars = -5
            api_key_env = "not a name"
            """)
        #expect(lines.contains("c.conf:2:1: embeddings.url: not an http(s) URL: ftp://127.0.0.1/embeddings"))
        #expect(lines.contains { $0.hasPrefix("c.conf:4:1: embeddings.batch: must be a whole number above 0") })
        #expect(lines.contains { $0.hasPrefix("c.conf:5:1: embeddings.timeout: bad duration \"soon\"") })
        #expect(lines.contains { $0.hasPrefix("c.conf:6:1: embeddings.excerpt_chars: must be a whole number above 0") })
        #expect(lines.contains("c.conf:7:1: embeddings.api_key_env: not an environment variable's name: \"not a name\""))
        #expect(lines.count == 5)
        let huge = try Self.problems("[embeddings]\nurl = \"http://127.0.0.1:1/e\"\nmodel = \"m\"\nbatch = 5000\n")
        #expect(huge == ["c.conf:4:1: embeddings.batch: must be at most 2048 texts per request, not 5000"])
        let text = try Self.problems("[embeddings]\nurl = \"http://127.0.0.1:1/e\"\nmodel = \"m\"\nbatch = \"ten\"\n")
        #expect(text.count == 1 && text[0].hasPrefix("c.conf:4:1: embeddings.batch: "))
        let notURL = try Self.problems("[embeddings]\nurl = \"not a url\"\nmodel = \"m\"\n")
        #expect(notURL == ["c.conf:2:1: embeddings.url: not an http(s) URL: not a url"])
    }

    @Test func bothKeySourcesAreOneProblem() throws {
        let lines = try Self.problems(
            """
            [embeddings]
            url = "http://127.0.0.1:8080/v1/embeddings"
            model = "m"
            api_key_file = "/etc/newsdesk/key"
            api_key_env = "EMBED_KEY"
            """)
        #expect(lines == ["c.conf:5:1: embeddings.api_key_env: set api_key_file or api_key_env, not both"])
    }

    @Test func anUnknownKeyOrAWrongShapeIsNamed() throws {
        let lines = try Self.problems(
            "[embeddings]\nurl = \"http://127.0.0.1:8080/v1/embeddings\"\nmodel = \"m\"\napi_key = \"sk-123\"\n")
        #expect(lines == ["c.conf:4:1: embeddings.api_key: unknown key in [embeddings]"])
        let shape = try Self.problems("embeddings = \"http://127.0.0.1:8080/v1/embeddings\"\n")
        #expect(shape.count == 1 && shape[0].hasSuffix("embeddings: must be a table: [embeddings]"))
    }
}

@Suite struct RuleConfigTests {
    @Test func rulesAndScoringSettingsAreRead() throws {
        let config = try ConfigLoader.parse(
            text: """
                [newsdesk]
                half_life = "3h"
                red_threshold = 70
                per_source_top = 2
                window = "2h"
                top = 10

                [[rule]]
                match = "iphone"
                in = ["title", "summary"]
                adjust = -20

                [[rule]]
                match = "/ceasefire|truce/"
                adjust = "mute"

                [[rule]]
                tag = "world"
                name = "world news"
                adjust = 10
                """, path: "/x/feeds.conf")
        #expect(config.settings.halfLife == .seconds(10_800) && config.settings.redThreshold == 70)
        #expect(config.settings.perSourceTop == 2 && config.settings.window == .seconds(7_200) && config.settings.top == 10)
        #expect(config.rules.count == 3)
        #expect(config.rules[0] == ScoreRule(words: "iphone", fields: [.title, .summary], effect: .points(-20)))
        #expect(config.rules[1].pattern == "ceasefire|truce" && config.rules[1].effect == .mute)
        #expect(config.rules[2].tag == "world" && config.rules[2].label == "world news")
    }

    @Test func badRulesAreLocated() throws {
        let error = try #require(throws: ConfigError.self) {
            try ConfigLoader.parse(
                text:
                    "[[rule]]\nmatch = \"/([unclosed/\"\nadjust = 5\n\n[[rule]]\nmatch = \"x\"\nadjust = \"lots\"\n\n[[rule]]\nadjust = 3\n\n[[rule]]\nmatch = \"y\"\nin = [\"body\"]\nadjust = 1\n",
                path: "/x/feeds.conf", displayName: "feeds.conf")
        }
        let lines = error.problems.map(\.description)
        #expect(lines.contains("feeds.conf:2:1: rule[1].match: not a valid regular expression: /([unclosed/"))
        #expect(lines.contains("feeds.conf:7:1: rule[2].adjust: must be whole points between -100 and 100, or \"mute\""))
        #expect(lines.contains("feeds.conf:9:1: rule[3]: needs at least one of match, feed or tag"))
        #expect(lines.contains("feeds.conf:14:1: rule[4].in: must list \"title\" and/or \"summary\""))
    }
    /// toml++ (inside TOMLKit, the TOML library once used) aborted the process on these; the
    /// config fuzzer found each. They are ordinary problems with their line.
    @Test func mistakesThatAbortedTheOldTOMLLibraryAreProblemsWithTheirLine() throws {
        let cases: [(text: String, line: Int)] = [
            ("[\n", 1),
            ("title = \"x\"\n\n[\n", 3),
            ("[[[1]]]\n", 1),
            ("[=\n", 1),
            ("\u{FEFF}[= \"0\"\n", 1),
            ("[[ [x]]\n", 1),
            ("[newsdesk]\ntitle = \"a\"\nx = [}\n", 3),
            ("x = [1,\n  }\n", 2),
            ("ta=1979-05-27Tz07:32:00Z\n", 1),
            ("[newsdesk]\nx = [1979-05-27T]\n", 2),
            ("x = { y = 1979-05-27t }\n", 1),
            ("0x8=1979-05-76 0\n", 1),
            ("x = [1979-05-27 1]\n", 1),
            ("a=1979-05-2= 5\nname = \"x\"\n", 1),
        ]
        for (text, line) in cases {
            let error = try #require(throws: ConfigError.self, "\(text.debugDescription)") {
                try ConfigLoader.parse(text: text, path: "/c.conf", displayName: "c.conf")
            }
            #expect(error.problems.count == 1, "\(text.debugDescription)")
            #expect(error.problems.first?.line == line, "\(text.debugDescription)")
        }
    }

    /// Valid TOML that the lexer once in front of the TOML library had to step around.
    @Test func validTOMLWithBracketsInStringsAndDateShapedKeysParses() {
        let valid = [
            "[newsdesk]\n[[feed]]\n[ feed . x ]\n[\"quoted [\"]\n['lit']\n[[a.b]]\n",
            "a = [\n[1, 2],\n  [3],\n]\n",
            "a = [{ x = [1] }, {y = 2}]\nb = { c = [ ] }\n",
            "s = \"\"\"\n[\n}\n\\\"\"\"\n[\"\"\"\n[ok]\n",
            "s = '''\n[=\n'''\n[ok]\n",
            "q = \"\"\"a\"\"\"\"\"\n[ok]\n",
            "e = \"[\\\" }\"\nl = '[}'\n# [= and [} in a comment\n",
            "\u{FEFF}[ok]\r\nx = 1\r\n",
            "1979-05-27Tz = 1\nd = 1979-05-27T07:32:00Z\ne = 1979-05-27\nf = 1979-05-27 07:32:00\ng = { 1979-05-27Tq = 2, h = 3 }\n",
            "a.1979-05-27Tx = 1\n",
            "d = 1979-05-27 # a date, then a comment\nt = 1979-05-27 07:32:00\nl = [1979-05-27, 1979-05-27 00:00:00]\n",
        ]
        for text in valid {
            #expect(throws: Never.self, "\(text.debugDescription)") { try TOMLParser.parse(text) }
        }
    }

    @Test func windowsLineEndsKeepLineNumbers() throws {
        let text = "[newsdesk]\r\ncolour = \"x\"\r\n\r\n[[feed]]\r\nurl = \"gopher://x\"\r\n"
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.parse(text: text, path: "/c.conf", displayName: "c.conf") }
        #expect(
            error.problems.map(\.description) == [
                "c.conf:2:1: colour: unknown key in [newsdesk]", "c.conf:5:1: feed[1].url: not an http(s) or file: URL: gopher://x",
            ])
    }
}
