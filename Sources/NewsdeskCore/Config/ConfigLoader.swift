import Foundation
import TOMLKit

/// One thing wrong with a config file, located as precisely as possible.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    /// The key, written as in the file: `poll_interval`, `feed[2].url`.
    public var key: String?
    public var message: String

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let key { text += "\(key): " }
        return text + message
    }
}

/// A config that cannot be used, with every problem found in it.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var problems: [ConfigProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Reads `feeds.conf` (TOML) into a ``Config``, checking every key and value.
public enum ConfigLoader {
    static let settingsKeys: Set<String> = [
        "state", "output", "title", "feed_url", "poll_interval", "concurrency", "per_host", "timeout", "max_body", "retention",
        "half_life", "red_threshold", "per_source_top", "window", "top", "cluster_window", "publish_every", "timezone", "keep",
        "allow_private_networks", "max_items_per_feed", "max_items_per_document", "max_title_chars", "max_excerpt_chars",
        "metrics_file",
    ]
    static let ruleKeys: Set<String> = ["match", "in", "feed", "tag", "adjust", "name"]
    static let feedKeys: Set<String> = ["url", "name", "weight", "interval", "tags", "allow_private_networks"]
    static let embeddingKeys: Set<String> = [
        "url", "model", "batch", "timeout", "prefix", "excerpt_chars", "api_key_file", "api_key_env",
    ]

    /// Loads and checks the config file at `path`.
    public static func load(path: String) throws(ConfigError) -> Config {
        let absolute = absolutePath(path, relativeTo: FileManager.default.currentDirectoryPath)
        let data: Data
        do {
            data = try FileReading.contents(of: absolute)
        } catch {
            throw ConfigError(problems: [ConfigProblem(file: path, message: error.description)])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(problems: [ConfigProblem(file: path, message: "not UTF-8 text")])
        }
        return try parse(text: text, path: absolute, displayName: path)
    }

    /// Parses config text; relative paths resolve against the folder of `path`.
    public static func parse(text: String, path: String, displayName: String? = nil) throws(ConfigError) -> Config {
        let file = displayName ?? path
        if let (line, message) = TOMLGuard.firstProblem(text) {
            throw ConfigError(problems: [ConfigProblem(file: file, line: line, message: message)])
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(problems: [ConfigProblem(file: file, line: error.source.begin.line, message: error.description)])
        } catch {
            throw ConfigError(problems: [ConfigProblem(file: file, message: "\(error)")])
        }
        var reader = TableReader(file: file, folder: (path as NSString).deletingLastPathComponent, locator: ConfigKeyLocator(text: text))
        let config = reader.read(table, path: path)
        if !reader.problems.isEmpty { throw ConfigError(problems: reader.problems) }
        return config
    }

    /// Two URLs that differ only in the case of scheme or host are the same feed.
    static func comparableURL(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.scheme = components.scheme?.lowercased()
        components.host = components.host?.lowercased()
        return components.string ?? url
    }

    /// Whether `text` is an http(s) URL with a host.
    public static func httpURL(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return false }
        return true
    }

    /// `path` made absolute against `folder`; `~` and `~/…` are the home folder, `~user/…`
    /// that user's (as a shell reads them: a folder named `~` is never meant).
    static func absolutePath(_ path: String, relativeTo folder: String) -> String {
        let expanded = path.hasPrefix("~") ? (path as NSString).expandingTildeInPath : path
        let joined = expanded.hasPrefix("/") ? expanded : (folder as NSString).appendingPathComponent(expanded)
        return (joined as NSString).standardizingPath
    }
}

/// Walks the parsed TOML, collecting every problem rather than stopping at the first.
private struct TableReader {
    let file: String
    let folder: String
    let locator: ConfigKeyLocator
    var problems: [ConfigProblem] = []

    mutating func read(_ root: TOMLTable, path: String) -> Config {
        var config = Config(path: path)
        config.settings.state = ConfigLoader.absolutePath(config.settings.state, relativeTo: folder)
        config.settings.output = ConfigLoader.absolutePath(config.settings.output, relativeTo: folder)
        for key in root.keys.sorted() where !["newsdesk", "feed", "rule", "embeddings"].contains(key) {
            let line = locator.line(table: key) ?? locator.line(table: "\(key)#0") ?? locator.line(table: "", key: key)
            problems.append(
                ConfigProblem(
                    file: file, line: line, key: key,
                    message: "unknown table or key (expected [newsdesk], [embeddings], [[feed]] and [[rule]])"))
        }
        if let value = root["embeddings"] {
            if let table = value.table {
                config.embeddings = readEmbeddings(table)
            } else {
                problem(table: "", key: "embeddings", name: "embeddings", "must be a table: [embeddings]")
            }
        }
        if let value = root["newsdesk"] {
            if let table = value.table {
                config.settings = readSettings(table)
            } else {
                problem(table: "", key: "newsdesk", name: "newsdesk", "must be a table: [newsdesk]")
            }
        }
        var seen: [String: Int] = [:]
        for (index, table) in arrayOfTables(root, "feed") {
            guard let feed = readFeed(table, index: index) else { continue }
            let identity = ConfigLoader.comparableURL(feed.url)
            if let first = seen[identity] {
                problem(table: "feed#\(index)", key: "url", name: "feed[\(index + 1)].url", "duplicate of feed[\(first + 1)]: \(feed.url)")
            } else {
                seen[identity] = index
                config.feeds.append(feed)
            }
        }
        for (index, table) in arrayOfTables(root, "rule") {
            if let rule = readRule(table, index: index) { config.rules.append(rule) }
        }
        return config
    }

    /// The tables of `[[key]]` with their positions; anything else under `key` is a problem.
    private mutating func arrayOfTables(_ root: TOMLTable, _ key: String) -> [(Int, TOMLTable)] {
        guard let value = root[key] else { return [] }
        guard let array = value.array, (0..<array.count).allSatisfy({ array[$0].table != nil }) else {
            problem(table: "", key: key, name: key, "must be an array of tables: [[\(key)]]")
            return []
        }
        return (0..<array.count).compactMap { index in array[index].table.map { (index, $0) } }
    }

    private mutating func readRule(_ table: TOMLTable, index: Int) -> ScoreRule? {
        let scope = "rule#\(index)"
        let label = "rule[\(index + 1)]"
        for key in table.keys.sorted() where !ConfigLoader.ruleKeys.contains(key) {
            problem(table: scope, key: key, name: "\(label).\(key)", "unknown key in [[rule]]")
        }
        let problemsBefore = problems.count
        var words: String?
        var pattern: String?
        if let match = string(table, scope, "match", label: label) {
            if match.count >= 2, match.hasPrefix("/"), match.hasSuffix("/") {
                let body = String(match.dropFirst().dropLast())
                if (try? Regex(body)) == nil {
                    problem(table: scope, key: "match", name: "\(label).match", "not a valid regular expression: \(match)")
                }
                pattern = body
            } else if match.trimmingCharacters(in: .whitespaces).isEmpty {
                problem(table: scope, key: "match", name: "\(label).match", "empty")
            } else {
                words = match
            }
        }
        var fields: [ScoreRule.Field] = [.title]
        if let value = table["in"] {
            let names = value.array.map { array in (0..<array.count).compactMap { array[$0].string } } ?? value.string.map { [$0] } ?? []
            let parsed = names.compactMap(ScoreRule.Field.init(rawValue:))
            if parsed.isEmpty || parsed.count != names.count {
                problem(table: scope, key: "in", name: "\(label).in", "must list \"title\" and/or \"summary\"")
            } else {
                fields = parsed
            }
        }
        let feed = string(table, scope, "feed", label: label)
        let tag = string(table, scope, "tag", label: label)
        if words == nil && pattern == nil && feed == nil && tag == nil && table["match"] == nil {
            problem(table: scope, key: nil, name: label, "needs at least one of match, feed or tag")
        }
        var effect: ScoreRule.Effect?
        if let adjust = table["adjust"] {
            if let points = adjust.int, abs(points) <= 100 {
                effect = .points(points)
            } else if adjust.string == "mute" {
                effect = .mute
            } else {
                problem(table: scope, key: "adjust", name: "\(label).adjust", "must be whole points between -100 and 100, or \"mute\"")
            }
        } else {
            problem(table: scope, key: nil, name: "\(label).adjust", "missing: a number of points, or \"mute\"")
        }
        guard let effect, problems.count == problemsBefore else { return nil }
        return ScoreRule(
            words: words, pattern: pattern, fields: fields, feed: feed, tag: tag, effect: effect,
            label: string(table, scope, "name", label: label))
    }

    private mutating func readSettings(_ table: TOMLTable) -> Settings {
        var settings = Settings()
        settings.state = ConfigLoader.absolutePath(settings.state, relativeTo: folder)
        settings.output = ConfigLoader.absolutePath(settings.output, relativeTo: folder)
        let scope = "newsdesk"
        for key in table.keys.sorted() where !ConfigLoader.settingsKeys.contains(key) {
            problem(table: scope, key: key, name: key, "unknown key in [newsdesk]")
        }
        if let path = string(table, scope, "state") { settings.state = ConfigLoader.absolutePath(path, relativeTo: folder) }
        if let path = string(table, scope, "output") { settings.output = ConfigLoader.absolutePath(path, relativeTo: folder) }
        if let path = string(table, scope, "metrics_file") { settings.metricsFile = ConfigLoader.absolutePath(path, relativeTo: folder) }
        if let title = string(table, scope, "title") { settings.title = title }
        if let url = string(table, scope, "feed_url") {
            if ConfigLoader.httpURL(url) {
                settings.feedURL = url
            } else {
                problem(table: scope, key: "feed_url", name: "feed_url", "not an http(s) URL: \(url)")
            }
        }
        if let value = duration(table, scope, "poll_interval") {
            settings.pollInterval = value
            checkFloor(value, scope, "poll_interval", name: "poll_interval")
        }
        if let value = duration(table, scope, "timeout") { settings.timeout = value }
        if let value = duration(table, scope, "retention") { settings.retention = value }
        if let value = duration(table, scope, "half_life") { settings.halfLife = value }
        if let value = duration(table, scope, "window") { settings.window = value }
        if let value = duration(table, scope, "cluster_window") { settings.clusterWindow = value }
        if let value = duration(table, scope, "keep") { settings.keep = value }
        if let value = duration(table, scope, "publish_every") {
            // Periods must tile the day, so that every day's files have the same names.
            if 86_400 % value.components.seconds == 0 && value.components.seconds >= 60 {
                settings.publishEvery = value
            } else {
                problem(
                    table: scope, key: "publish_every", name: "publish_every",
                    "must divide a day evenly and be at least a minute (e.g. \"15m\", \"1h\", \"6h\")")
            }
        }
        if let zone = string(table, scope, "timezone") {
            if TimeZone(identifier: zone) != nil {
                settings.timezone = zone
            } else {
                problem(
                    table: scope, key: "timezone", name: "timezone",
                    "unknown time zone \"\(zone)\" (use an IANA name like \"Europe/Paris\")")
            }
        }
        if let value = positiveInt(table, scope, "red_threshold") {
            if value <= 100 {
                settings.redThreshold = value
            } else {
                problem(table: scope, key: "red_threshold", name: "red_threshold", "must be a score between 1 and 100, not \(value)")
            }
        }
        if let value = positiveInt(table, scope, "per_source_top") { settings.perSourceTop = value }
        if let value = positiveInt(table, scope, "top") { settings.top = value }
        if let value = positiveInt(table, scope, "concurrency") { settings.concurrency = value }
        if let value = positiveInt(table, scope, "per_host") { settings.perHost = value }
        if let value = bool(table, scope, "allow_private_networks") { settings.allowPrivateNetworks = value }
        if let value = positiveInt(table, scope, "max_items_per_feed") { settings.maxItemsPerFeed = value }
        if let value = positiveInt(table, scope, "max_items_per_document") { settings.maxItemsPerDocument = value }
        if settings.maxItemsPerDocument > settings.maxItemsPerFeed {
            problem(
                table: scope, key: table["max_items_per_document"] == nil ? "max_items_per_feed" : "max_items_per_document",
                name: "max_items_per_document",
                "must not exceed max_items_per_feed (\(settings.maxItemsPerFeed)): the items of one document are all kept")
        }
        if let value = positiveInt(table, scope, "max_title_chars") { settings.maxTitleChars = value }
        if let value = positiveInt(table, scope, "max_excerpt_chars") { settings.maxExcerptChars = value }
        if let value = table["max_body"] {
            let size = value.int.flatMap { $0 > 0 ? $0 : nil } ?? value.string.flatMap(ConfigValue.size)
            if let size {
                settings.maxBody = size
            } else {
                problem(
                    table: scope, key: "max_body", name: "max_body",
                    "bad size \(show(value)) (write e.g. \"16MiB\", \"500kB\" or a byte count)")
            }
        }
        return settings
    }

    private mutating func readEmbeddings(_ table: TOMLTable) -> EmbeddingSettings? {
        let scope = "embeddings"
        let label = "embeddings"
        for key in table.keys.sorted() where !ConfigLoader.embeddingKeys.contains(key) {
            problem(table: scope, key: key, name: "\(label).\(key)", "unknown key in [embeddings]")
        }
        let problemsBefore = problems.count
        let url = string(table, scope, "url", label: label)
        if table["url"] == nil {
            problem(
                table: scope, key: nil, name: "\(label).url",
                "missing: the embeddings endpoint, e.g. \"http://127.0.0.1:8080/v1/embeddings\"")
        } else if let url, !ConfigLoader.httpURL(url) {
            problem(table: scope, key: "url", name: "\(label).url", "not an http(s) URL: \(url)")
        }
        let model = string(table, scope, "model", label: label)
        if table["model"] == nil {
            problem(table: scope, key: nil, name: "\(label).model", "missing: the model's name as the server knows it")
        } else if model?.trimmingCharacters(in: .whitespaces).isEmpty == true {
            problem(table: scope, key: "model", name: "\(label).model", "empty")
        }
        var settings = EmbeddingSettings(url: url ?? "", model: model ?? "")
        if let value = positiveInt(table, scope, "batch", label: label) {
            if value <= 2_048 {
                settings.batch = value
            } else {
                problem(table: scope, key: "batch", name: "\(label).batch", "must be at most 2048 texts per request, not \(value)")
            }
        }
        if let value = positiveInt(table, scope, "excerpt_chars", label: label) { settings.excerptChars = value }
        if let value = duration(table, scope, "timeout", label: label) { settings.timeout = value }
        if let prefix = string(table, scope, "prefix", label: label) { settings.prefix = prefix }
        if let path = string(table, scope, "api_key_file", label: label) {
            settings.apiKeyFile = ConfigLoader.absolutePath(path, relativeTo: folder)
        }
        if let name = string(table, scope, "api_key_env", label: label) {
            if name.isEmpty || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
                problem(table: scope, key: "api_key_env", name: "\(label).api_key_env", "not an environment variable's name: \"\(name)\"")
            } else {
                settings.apiKeyEnv = name
            }
        }
        if settings.apiKeyFile != nil && settings.apiKeyEnv != nil {
            problem(table: scope, key: "api_key_env", name: "\(label).api_key_env", "set api_key_file or api_key_env, not both")
        }
        return problems.count == problemsBefore ? settings : nil
    }

    private mutating func readFeed(_ table: TOMLTable, index: Int) -> FeedConfig? {
        let scope = "feed#\(index)"
        let label = "feed[\(index + 1)]"
        for key in table.keys.sorted() where !ConfigLoader.feedKeys.contains(key) {
            problem(table: scope, key: key, name: "\(label).\(key)", "unknown key in [[feed]]")
        }
        // Every key is checked even when the url is wrong, so that `check` lists every problem.
        let url = string(table, scope, "url", label: label)
        if table["url"] == nil { problem(table: scope, key: nil, name: "\(label).url", "missing: every [[feed]] needs a url") }
        let fetchURL = url.flatMap(resolveFeedURL)
        if let url, fetchURL == nil {
            problem(table: scope, key: "url", name: "\(label).url", "not an http(s) or file: URL: \(url)")
        }
        var feed = FeedConfig(url: url ?? "", fetchURL: fetchURL ?? "")
        feed.line = locator.line(table: scope)
        feed.name = string(table, scope, "name", label: label)
        if let value = table["weight"] {
            if let weight = value.double ?? value.int.map(Double.init), weight >= 0, weight.isFinite {
                feed.weight = weight
            } else {
                problem(table: scope, key: "weight", name: "\(label).weight", "must be a number of at least 0, not \(show(value))")
            }
        }
        feed.interval = duration(table, scope, "interval", label: label)
        if let interval = feed.interval { checkFloor(interval, scope, "interval", name: "\(label).interval") }
        feed.allowPrivateNetworks = bool(table, scope, "allow_private_networks", label: label)
        if let value = table["tags"] {
            if let array = value.array, let tags = Optional((0..<array.count).compactMap { array[$0].string }), tags.count == array.count {
                feed.tags = tags
            } else {
                problem(table: scope, key: "tags", name: "\(label).tags", "must be a list of strings, like [\"world\", \"tech\"]")
            }
        }
        return url != nil && fetchURL != nil ? feed : nil
    }

    /// http(s) URLs as written; `file:` URLs made absolute against the config's folder.
    private func resolveFeedURL(_ url: String) -> String? {
        if ConfigLoader.httpURL(url) { return url }
        guard url.lowercased().hasPrefix("file:") else { return nil }
        var path = String(url.dropFirst(5))
        if path.hasPrefix("//") {
            path = String(path.dropFirst(2))
            guard path.hasPrefix("/") else { return nil }  // file://host/... is not local
        }
        guard !path.isEmpty else { return nil }
        let absolute = ConfigLoader.absolutePath(path.removingPercentEncoding ?? path, relativeTo: folder)
        return URL(fileURLWithPath: absolute).absoluteString
    }

    // MARK: Typed reads, each reporting its own problem

    private mutating func string(_ table: TOMLTable, _ scope: String, _ key: String, label: String? = nil) -> String? {
        guard let value = table[key] else { return nil }
        if let text = value.string { return text }
        problem(table: scope, key: key, name: label.map { "\($0).\(key)" } ?? key, "must be a string, not \(show(value))")
        return nil
    }

    private mutating func duration(_ table: TOMLTable, _ scope: String, _ key: String, label: String? = nil) -> Duration? {
        guard let value = table[key] else { return nil }
        if let text = value.string, let duration = ConfigValue.duration(text) { return duration }
        problem(
            table: scope, key: key, name: label.map { "\($0).\(key)" } ?? key,
            "bad duration \(show(value)) (write e.g. \"90s\", \"15m\", \"1h30m\", \"2d\")")
        return nil
    }

    /// Polling more often than ``FeedConfig/minimumInterval`` is refused, not silently slowed down.
    private mutating func checkFloor(_ value: Duration, _ scope: String, _ key: String, name: String) {
        guard value.timeInterval < FeedConfig.minimumInterval else { return }
        let floor = ConfigValue.format(.seconds(Int64(FeedConfig.minimumInterval)))
        problem(
            table: scope, key: key, name: name,
            "\(ConfigValue.format(value)) is below the floor of \(floor): no feed is polled more often than every \(floor)")
    }

    private mutating func bool(_ table: TOMLTable, _ scope: String, _ key: String, label: String? = nil) -> Bool? {
        guard let value = table[key] else { return nil }
        if let flag = value.bool { return flag }
        problem(table: scope, key: key, name: label.map { "\($0).\(key)" } ?? key, "must be true or false, not \(show(value))")
        return nil
    }

    private mutating func positiveInt(_ table: TOMLTable, _ scope: String, _ key: String, label: String? = nil) -> Int? {
        guard let value = table[key] else { return nil }
        if let number = value.int, number > 0 { return number }
        problem(table: scope, key: key, name: label.map { "\($0).\(key)" } ?? key, "must be a whole number above 0, not \(show(value))")
        return nil
    }

    private func show(_ value: any TOMLValueConvertible) -> String {
        if let text = value.string { return "\"\(text)\"" }
        return value.debugDescription
    }

    /// Records a problem at the line of `key` in `table` (or of the table's header).
    private mutating func problem(table: String, key: String?, name: String, _ message: String) {
        let line = locator.line(table: table, key: key)
        problems.append(ConfigProblem(file: file, line: line, key: name, message: message))
    }
}
