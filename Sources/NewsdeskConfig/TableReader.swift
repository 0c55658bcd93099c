import Foundation
import NewsdeskBase

/// A table of the config and where it starts (its header; nil for the top level).
struct Section {
    let table: TOMLTable
    let position: TOMLPosition?

    subscript(key: String) -> TOMLValue? { table[key] }
    var keys: [String] { table.keys }

    /// Where `key` is written, else where the table starts.
    func position(of key: String?) -> TOMLPosition? { key.flatMap(table.keyPosition) ?? position }
}

/// Walks the parsed TOML, collecting every problem rather than stopping at the first.
struct TableReader {
    let file: String
    let folder: String
    let minimumInterval: TimeInterval
    var problems: [ConfigProblem] = []

    mutating func read(_ root: Section, path: String) -> Config {
        var config = Config(path: path)
        config.settings.state = ConfigLoader.absolutePath(config.settings.state, relativeTo: folder)
        config.settings.output = ConfigLoader.absolutePath(config.settings.output, relativeTo: folder)
        for key in root.keys.sorted() where !["newsdesk", "feed", "rule", "embeddings"].contains(key) {
            problem(root, key: key, name: key, "unknown table or key (expected [newsdesk], [embeddings], [[feed]] and [[rule]])")
        }
        if let value = root["embeddings"] {
            if let table = value.table {
                config.embeddings = readEmbeddings(Section(table: table, position: value.position))
            } else {
                problem(root, key: "embeddings", name: "embeddings", "must be a table: [embeddings]")
            }
        }
        if let value = root["newsdesk"] {
            if let table = value.table {
                config.settings = readSettings(Section(table: table, position: value.position))
            } else {
                problem(root, key: "newsdesk", name: "newsdesk", "must be a table: [newsdesk]")
            }
        }
        var seen: [String: Int] = [:]
        for (index, table) in arrayOfTables(root, "feed") {
            guard let feed = readFeed(table, index: index) else { continue }
            let identity = ConfigLoader.comparableURL(feed.url)
            if let first = seen[identity] {
                problem(table, key: "url", name: "feed[\(index + 1)].url", "duplicate of feed[\(first + 1)]: \(feed.url)")
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
    private mutating func arrayOfTables(_ root: Section, _ key: String) -> [(Int, Section)] {
        guard let value = root[key] else { return [] }
        guard let array = value.array, array.allSatisfy({ $0.table != nil }) else {
            problem(root, key: key, name: key, "must be an array of tables: [[\(key)]]")
            return []
        }
        return array.enumerated().compactMap { index, item in item.table.map { (index, Section(table: $0, position: item.position)) } }
    }

    private mutating func readRule(_ table: Section, index: Int) -> ScoreRule? {
        let label = "rule[\(index + 1)]"
        for key in table.keys.sorted() where !ConfigLoader.ruleKeys.contains(key) {
            problem(table, key: key, name: "\(label).\(key)", "unknown key in [[rule]]")
        }
        let problemsBefore = problems.count
        var words: String?
        var pattern: String?
        if let match = string(table, "match", label: label) {
            if match.count >= 2, match.hasPrefix("/"), match.hasSuffix("/") {
                let body = String(match.dropFirst().dropLast())
                if (try? Regex(body)) == nil {
                    problem(table, key: "match", name: "\(label).match", "not a valid regular expression: \(match)")
                }
                pattern = body
            } else if match.trimmingCharacters(in: .whitespaces).isEmpty {
                problem(table, key: "match", name: "\(label).match", "empty")
            } else {
                words = match
            }
        }
        var fields: [ScoreRule.Field] = [.title]
        if let value = table["in"] {
            var names: [String] = []
            if let array = value.array {
                names = array.compactMap(\.string)
            } else if let one = value.string {
                names = [one]
            }
            let parsed = names.compactMap(ScoreRule.Field.init(rawValue:))
            if parsed.isEmpty || parsed.count != names.count {
                problem(table, key: "in", name: "\(label).in", "must list \"title\" and/or \"summary\"")
            } else {
                fields = parsed
            }
        }
        let feed = string(table, "feed", label: label)
        let tag = string(table, "tag", label: label)
        if words == nil && pattern == nil && feed == nil && tag == nil && table["match"] == nil {
            problem(table, key: nil, name: label, "needs at least one of match, feed or tag")
        }
        var effect: ScoreRule.Effect?
        if let adjust = table["adjust"] {
            if let points = adjust.int, abs(points) <= 100 {
                effect = .points(points)
            } else if adjust.string == "mute" {
                effect = .mute
            } else {
                problem(table, key: "adjust", name: "\(label).adjust", "must be whole points between -100 and 100, or \"mute\"")
            }
        } else {
            problem(table, key: nil, name: "\(label).adjust", "missing: a number of points, or \"mute\"")
        }
        guard let effect, problems.count == problemsBefore else { return nil }
        return ScoreRule(
            words: words, pattern: pattern, fields: fields, feed: feed, tag: tag, effect: effect,
            label: string(table, "name", label: label))
    }

    private mutating func readSettings(_ table: Section) -> Settings {
        var settings = Settings()
        settings.minimumInterval = minimumInterval
        settings.state = ConfigLoader.absolutePath(settings.state, relativeTo: folder)
        settings.output = ConfigLoader.absolutePath(settings.output, relativeTo: folder)
        for key in table.keys.sorted() where !ConfigLoader.settingsKeys.contains(key) {
            problem(table, key: key, name: key, "unknown key in [newsdesk]")
        }
        if let state = string(table, "state") {
            settings.state = StateLocation.isPostgres(state) ? state : ConfigLoader.absolutePath(state, relativeTo: folder)
        }
        if let path = string(table, "output") { settings.output = ConfigLoader.absolutePath(path, relativeTo: folder) }
        if let path = string(table, "metrics_file") { settings.metricsFile = ConfigLoader.absolutePath(path, relativeTo: folder) }
        if let title = string(table, "title") { settings.title = title }
        if let url = string(table, "feed_url") {
            if ConfigLoader.httpURL(url) {
                settings.feedURL = url
            } else {
                problem(table, key: "feed_url", name: "feed_url", "not an http(s) URL: \(url)")
            }
        }
        readSchedule(table, into: &settings)
        readLimits(table, into: &settings)
        return settings
    }

    /// `[newsdesk]`'s intervals and periods: when to poll, what to keep, when to publish.
    private mutating func readSchedule(_ table: Section, into settings: inout Settings) {
        if let value = duration(table, "poll_interval") {
            settings.pollInterval = value
            checkFloor(value, table, "poll_interval", name: "poll_interval")
        }
        if let value = duration(table, "timeout") { settings.timeout = value }
        if let value = duration(table, "retention") { settings.retention = value }
        if let value = duration(table, "half_life") { settings.halfLife = value }
        if let value = duration(table, "window") { settings.window = value }
        if let value = duration(table, "cluster_window") { settings.clusterWindow = value }
        if let value = duration(table, "keep") { settings.keep = value }
        if let value = duration(table, "publish_every") {
            // Periods must tile the day, so that every day's files have the same names.
            if 86_400 % value.components.seconds == 0 && value.components.seconds >= 60 {
                settings.publishEvery = value
            } else {
                problem(
                    table, key: "publish_every", name: "publish_every",
                    "must divide a day evenly and be at least a minute (e.g. \"15m\", \"1h\", \"6h\")")
            }
        }
        if let zone = string(table, "timezone") {
            if TimeZone(identifier: zone) != nil {
                settings.timezone = zone
            } else {
                problem(
                    table, key: "timezone", name: "timezone",
                    "unknown time zone \"\(zone)\" (use an IANA name like \"Europe/Paris\")")
            }
        }
    }

    /// `[newsdesk]`'s numbers: the ranking's cut-offs, the poller's limits, the caps on sizes.
    private mutating func readLimits(_ table: Section, into settings: inout Settings) {
        if let value = positiveInt(table, "red_threshold") {
            if value <= 100 {
                settings.redThreshold = value
            } else {
                problem(table, key: "red_threshold", name: "red_threshold", "must be a score between 1 and 100, not \(value)")
            }
        }
        if let value = positiveInt(table, "per_source_top") { settings.perSourceTop = value }
        if let value = positiveInt(table, "top") { settings.top = value }
        if let value = positiveInt(table, "concurrency") { settings.concurrency = value }
        if let value = positiveInt(table, "per_host") { settings.perHost = value }
        if let value = bool(table, "allow_private_networks") { settings.allowPrivateNetworks = value }
        if let value = bool(table, "clean_links") { settings.cleanLinks = value }
        if let value = positiveInt(table, "max_items_per_feed") { settings.maxItemsPerFeed = value }
        if let value = positiveInt(table, "max_items_per_document") { settings.maxItemsPerDocument = value }
        if settings.maxItemsPerDocument > settings.maxItemsPerFeed {
            problem(
                table, key: table["max_items_per_document"] == nil ? "max_items_per_feed" : "max_items_per_document",
                name: "max_items_per_document",
                "must not exceed max_items_per_feed (\(settings.maxItemsPerFeed)): the items of one document are all kept")
        }
        if let value = positiveInt(table, "max_title_chars") { settings.maxTitleChars = value }
        if let value = positiveInt(table, "max_excerpt_chars") { settings.maxExcerptChars = value }
        if let value = size(table, "max_body") { settings.maxBody = value }
    }

    private mutating func readEmbeddings(_ table: Section) -> EmbeddingSettings? {
        let label = "embeddings"
        for key in table.keys.sorted() where !ConfigLoader.embeddingKeys.contains(key) {
            problem(table, key: key, name: "\(label).\(key)", "unknown key in [embeddings]")
        }
        let problemsBefore = problems.count
        let url = string(table, "url", label: label)
        if table["url"] == nil {
            problem(
                table, key: nil, name: "\(label).url",
                "missing: the embeddings endpoint, e.g. \"http://127.0.0.1:8080/v1/embeddings\"")
        } else if let url, !ConfigLoader.httpURL(url) {
            problem(table, key: "url", name: "\(label).url", "not an http(s) URL: \(url)")
        }
        let model = string(table, "model", label: label)
        if table["model"] == nil {
            problem(table, key: nil, name: "\(label).model", "missing: the model's name as the server knows it")
        } else if model?.trimmingCharacters(in: .whitespaces).isEmpty == true {
            problem(table, key: "model", name: "\(label).model", "empty")
        }
        var settings = EmbeddingSettings(url: url ?? "", model: model ?? "")
        if let value = positiveInt(table, "batch", label: label) {
            if value <= 2_048 {
                settings.batch = value
            } else {
                problem(table, key: "batch", name: "\(label).batch", "must be at most 2048 texts per request, not \(value)")
            }
        }
        if let value = positiveInt(table, "excerpt_chars", label: label) { settings.excerptChars = value }
        if let value = duration(table, "timeout", label: label) { settings.timeout = value }
        if let prefix = string(table, "prefix", label: label) { settings.prefix = prefix }
        if let path = string(table, "api_key_file", label: label) {
            settings.apiKeyFile = ConfigLoader.absolutePath(path, relativeTo: folder)
        }
        if let name = string(table, "api_key_env", label: label) {
            if name.isEmpty || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
                problem(table, key: "api_key_env", name: "\(label).api_key_env", "not an environment variable's name: \"\(name)\"")
            } else {
                settings.apiKeyEnv = name
            }
        }
        if settings.apiKeyFile != nil && settings.apiKeyEnv != nil {
            problem(table, key: "api_key_env", name: "\(label).api_key_env", "set api_key_file or api_key_env, not both")
        }
        return problems.count == problemsBefore ? settings : nil
    }

    private mutating func readFeed(_ table: Section, index: Int) -> FeedConfig? {
        let label = "feed[\(index + 1)]"
        for key in table.keys.sorted() where !ConfigLoader.feedKeys.contains(key) {
            problem(table, key: key, name: "\(label).\(key)", "unknown key in [[feed]]")
        }
        // Every key is checked even when the url is wrong, so that `check` lists every problem.
        let url = string(table, "url", label: label)
        if table["url"] == nil { problem(table, key: nil, name: "\(label).url", "missing: every [[feed]] needs a url") }
        let fetchURL = url.flatMap(resolveFeedURL)
        if let url, fetchURL == nil {
            problem(table, key: "url", name: "\(label).url", "not an http(s) or file: URL: \(url)")
        }
        var feed = FeedConfig(url: url ?? "", fetchURL: fetchURL ?? "")
        feed.line = table.position?.line
        feed.name = string(table, "name", label: label)
        if let value = table["weight"] {
            if let weight = value.number, weight >= 0, weight.isFinite {
                feed.weight = weight
            } else {
                problem(table, key: "weight", name: "\(label).weight", "must be a number of at least 0, not \(show(value))")
            }
        }
        feed.interval = duration(table, "interval", label: label)
        if let interval = feed.interval { checkFloor(interval, table, "interval", name: "\(label).interval") }
        feed.allowPrivateNetworks = bool(table, "allow_private_networks", label: label)
        if let value = table["tags"] {
            if let array = value.array, array.allSatisfy({ $0.string != nil }) {
                feed.tags = array.compactMap(\.string)
            } else {
                problem(table, key: "tags", name: "\(label).tags", "must be a list of strings, like [\"world\", \"tech\"]")
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

    private mutating func string(_ table: Section, _ key: String, label: String? = nil) -> String? {
        guard let value = table[key] else { return nil }
        if let text = value.string { return text }
        problem(table, key: key, name: label.map { "\($0).\(key)" } ?? key, "must be a string, not \(show(value))")
        return nil
    }

    private mutating func duration(_ table: Section, _ key: String, label: String? = nil) -> Duration? {
        guard let value = table[key] else { return nil }
        if let text = value.string, let duration = ConfigValue.duration(text) { return duration }
        problem(
            table, key: key, name: label.map { "\($0).\(key)" } ?? key,
            "bad duration \(show(value)) (write e.g. \"90s\", \"15m\", \"1h30m\", \"2d\")")
        return nil
    }

    /// Polling more often than `minimumInterval` is refused, not silently slowed down.
    private mutating func checkFloor(_ value: Duration, _ table: Section, _ key: String, name: String) {
        guard value.timeInterval < minimumInterval else { return }
        let floor = ConfigValue.format(.seconds(Int64(minimumInterval)))
        problem(
            table, key: key, name: name,
            "\(ConfigValue.format(value)) is below the floor of \(floor): no feed is polled more often than every \(floor)")
    }

    /// A size: a positive byte count, or a string such as "16MiB" or "500kB".
    private mutating func size(_ table: Section, _ key: String) -> Int? {
        guard let value = table[key] else { return nil }
        if let count = value.int, count > 0 { return count }
        if let text = value.string, let size = ConfigValue.size(text) { return size }
        problem(table, key: key, name: key, "bad size \(show(value)) (write e.g. \"16MiB\", \"500kB\" or a byte count)")
        return nil
    }

    private mutating func bool(_ table: Section, _ key: String, label: String? = nil) -> Bool? {
        guard let value = table[key] else { return nil }
        if let flag = value.bool { return flag }
        problem(table, key: key, name: label.map { "\($0).\(key)" } ?? key, "must be true or false, not \(show(value))")
        return nil
    }

    private mutating func positiveInt(_ table: Section, _ key: String, label: String? = nil) -> Int? {
        guard let value = table[key] else { return nil }
        if let number = value.int, number > 0 { return number }
        problem(table, key: key, name: label.map { "\($0).\(key)" } ?? key, "must be a whole number above 0, not \(show(value))")
        return nil
    }

    private func show(_ value: TOMLValue) -> String { value.tomlText }

    /// Records a problem at `key` in `table` (or at the table's header).
    private mutating func problem(_ table: Section, key: String?, name: String, _ message: String) {
        let position = table.position(of: key)
        problems.append(ConfigProblem(file: file, line: position?.line, column: position?.column, key: name, message: message))
    }
}
