import Foundation
import NewsdeskBase

#if canImport(Glibc)
    import Glibc
#endif

/// Adds `[[feed]]` tables at the end of a config file and leaves every byte already in it as it
/// was: `newsdesk add` and `newsdesk opml import`.
///
/// Read the file once (``init(path:)``), decide what to add, then ``append(_:)``: the new text
/// must load as a config before it is written; the file is replaced atomically (``AtomicFile``)
/// with its mode kept, through a symbolic link to the file it names; it is refused if the file
/// changed since it was read; and it is loaded again after, the old bytes put back if that fails.
/// A value: it holds the bytes it read, not the file.
public struct ConfigAppender: Sendable {
    /// Why nothing was appended.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The file as the user named it, for messages.
    public let path: String
    /// Where it is: absolute, `~/` expanded, for loading.
    private let absolute: String
    /// Where it is written: `absolute` with symbolic links resolved, so that a link stays a link.
    private let target: String
    /// The bytes read; empty when there was no file.
    public let bytes: [UInt8]
    /// Whether there was a file (without one, ``append(_:)`` creates it).
    public let exists: Bool
    /// What the bytes say.
    public let config: Config

    /// Reads the config at `path` (relative to the working folder); no file is an empty config.
    public init(path: String) throws(ConfigError) {
        self.path = path
        absolute = ConfigLoader.absolutePath(path, relativeTo: FileManager.default.currentDirectoryPath)
        target = Self.resolvingLinks(absolute)
        exists = FileManager.default.fileExists(atPath: absolute)
        guard exists else {
            bytes = []
            config = Config(path: absolute)
            return
        }
        do {
            bytes = [UInt8](try FileReading.contents(of: absolute))
        } catch {
            throw ConfigError(problems: [ConfigProblem(file: path, message: error.description)])
        }
        config = try ConfigLoader.parse(bytes: bytes, path: absolute, displayName: path)
    }

    /// The feed of `config` that `url` already is, with its number (`feed[N]`, from 1): the
    /// same ``feedKey(_:)``.
    public static func existing(_ url: String, in config: Config) -> (number: Int, feed: FeedConfig)? {
        let key = feedKey(url)
        guard let index = config.feeds.firstIndex(where: { feedKey($0.url) == key }) else { return nil }
        return (index + 1, config.feeds[index])
    }

    /// What makes two feed URLs one feed: ``CanonicalURL/key(_:)``, so that they may differ in
    /// http and https, the case of the host, `www.`, a default port, a trailing slash, tracking
    /// parameters and the order of the others.
    public static func feedKey(_ url: String) -> String { CanonicalURL.key(url) }

    /// One `[[feed]]` table, its strings escaped for TOML (``Escaping/quoted(_:)``), each line
    /// ended by `\n`. Tables for one append are joined with `"\n"` (a blank line between).
    public static func feedTable(url: String, name: String? = nil, tags: [String] = [], allowPrivateNetworks: Bool = false) -> String {
        var text = "[[feed]]\nurl = \(Escaping.quoted(url))\n"
        if let name, !name.isEmpty { text += "name = \(Escaping.quoted(name))\n" }
        if !tags.isEmpty { text += "tags = [\(tags.map(Escaping.quoted).joined(separator: ", "))]\n" }
        if allowPrivateNetworks { text += "allow_private_networks = true\n" }
        return text
    }

    /// `bytes` unchanged, then `tables`: after a line end if the last line has none, and a blank
    /// line unless the last line is blank. Lines end with `\r\n` if the file's do.
    public static func appended(_ tables: String, to bytes: [UInt8]) -> [UInt8] {
        let crlf = zip(bytes, bytes.dropFirst()).contains { $0 == UInt8(ascii: "\r") && $1 == UInt8(ascii: "\n") }
        let lineEnd: [UInt8] = crlf ? [UInt8(ascii: "\r"), UInt8(ascii: "\n")] : [UInt8(ascii: "\n")]
        var out = bytes
        if !bytes.isEmpty {
            if !bytes.ends(with: lineEnd) { out += lineEnd }
            if !out.ends(with: lineEnd + lineEnd) { out += lineEnd }
        }
        // The tables' own strings are escaped: every "\n" in them ends a line.
        out += Array((crlf ? tables.replacingOccurrences(of: "\n", with: "\r\n") : tables).utf8)
        return out
    }

    /// Appends `tables` (from ``feedTable(url:name:tags:allowPrivateNetworks:)``) and returns
    /// the config as it loads now. Nothing is changed when it throws.
    @discardableResult
    public func append(_ tables: String) throws(Failure) -> Config {
        let new = Self.appended(tables, to: bytes)
        do {
            _ = try ConfigLoader.parse(bytes: new, path: absolute, displayName: path)
        } catch {
            throw Failure(description: "the addition would make \(path) invalid, nothing written:\n\(error)")
        }
        // Fetching took seconds: a file saved meanwhile (by an editor) is not overwritten.
        let now = try? FileReading.contents(of: target)
        guard exists ? now.map({ $0.elementsEqual(bytes) }) == true : !FileManager.default.fileExists(atPath: target) else {
            throw Failure(description: "\(path) changed while this ran, nothing written: try again")
        }
        var info = stat()
        let mode = exists && stat(target, &info) == 0 ? info.st_mode & 0o7777 : nil
        do {
            try AtomicFile.write(new, to: target, mode: mode)
        } catch {
            throw Failure(description: "\(error.description), nothing written")
        }
        do {
            return try ConfigLoader.load(path: path)
        } catch {
            if exists { _ = try? AtomicFile.write(bytes, to: target, mode: mode) } else { unlink(target) }
            throw Failure(description: "\(path) did not load after the addition, so it was put back as it was:\n\(error)")
        }
    }

    /// `path` with every symbolic link resolved; as it is when it names nothing yet.
    private static func resolvingLinks(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
    }
}
