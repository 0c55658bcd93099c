import Foundation
import Testing

@testable import NewsdeskBase
@testable import NewsdeskConfig

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
