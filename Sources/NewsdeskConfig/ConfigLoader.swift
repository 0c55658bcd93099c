import Foundation
import NewsdeskBase

/// One thing wrong with a config file, located as precisely as possible.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    /// The column on that line, counted in characters from 1.
    public var column: Int?
    /// The key, written as in the file: `poll_interval`, `feed[2].url`.
    public var key: String?
    public var message: String

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if line != nil, let column { text += ":\(column)" }
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

/// Reads `feeds.conf` (TOML, with ``TOMLParser``) into a ``Config``, checking every key and value;
/// every problem is named with the file, line, column and key it is at.
public enum ConfigLoader {
    static let settingsKeys: Set<String> = [
        "state", "output", "title", "feed_url", "poll_interval", "concurrency", "per_host", "timeout", "max_body", "retention",
        "half_life", "red_threshold", "per_source_top", "window", "top", "cluster_window", "publish_every", "timezone", "keep",
        "allow_private_networks", "max_items_per_feed", "max_items_per_document", "max_title_chars", "max_excerpt_chars",
        "metrics_file", "clean_links",
    ]
    static let ruleKeys: Set<String> = ["match", "in", "feed", "tag", "adjust", "name"]
    static let feedKeys: Set<String> = ["url", "name", "weight", "interval", "tags", "allow_private_networks"]
    static let embeddingKeys: Set<String> = [
        "url", "model", "batch", "timeout", "prefix", "excerpt_chars", "api_key_file", "api_key_env",
    ]

    /// Loads and checks the config file at `path`. No interval may be under `minimumInterval`
    /// (``FeedConfig/defaultMinimumInterval``; the executable lowers it for compressed-time runs).
    public static func load(
        path: String, minimumInterval: TimeInterval = FeedConfig.defaultMinimumInterval
    ) throws(ConfigError) -> Config {
        let absolute = absolutePath(path, relativeTo: FileManager.default.currentDirectoryPath)
        let data: Data
        do {
            data = try FileReading.contents(of: absolute)
        } catch {
            throw ConfigError(problems: [ConfigProblem(file: path, message: error.description)])
        }
        return try parse(bytes: [UInt8](data), path: absolute, displayName: path, minimumInterval: minimumInterval)
    }

    /// Parses config text; relative paths resolve against the folder of `path`.
    public static func parse(
        text: String, path: String, displayName: String? = nil, minimumInterval: TimeInterval = FeedConfig.defaultMinimumInterval
    ) throws(ConfigError) -> Config {
        try parse(bytes: Array(text.utf8), path: path, displayName: displayName, minimumInterval: minimumInterval)
    }

    /// Parses the bytes of a config file; relative paths resolve against the folder of `path`.
    public static func parse(
        bytes: [UInt8], path: String, displayName: String? = nil, minimumInterval: TimeInterval = FeedConfig.defaultMinimumInterval
    ) throws(ConfigError) -> Config {
        let file = displayName ?? path
        let table: TOMLTable
        do {
            table = try TOMLParser.parse(bytes: bytes)
        } catch {
            let problem = ConfigProblem(file: file, line: error.position.line, column: error.position.column, message: error.message)
            throw ConfigError(problems: [problem])
        }
        var reader = TableReader(file: file, folder: (path as NSString).deletingLastPathComponent, minimumInterval: minimumInterval)
        let config = reader.read(Section(table: table, position: nil), path: path)
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
