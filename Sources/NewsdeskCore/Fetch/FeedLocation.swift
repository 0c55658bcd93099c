import Foundation

/// A feed named on the command line: a local file or an http(s)/file URL.
public struct FeedLocation: Sendable {
    public var argument: String

    public init(_ argument: String) { self.argument = argument }

    /// Whether the argument is a URL rather than a path.
    public var isURL: Bool {
        let lower = argument.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("file://")
    }

    /// The bytes, the URL to resolve relative links against, and the HTTP charset if any.
    public func load(limits: FetchLimits = FetchLimits()) throws -> (body: [UInt8], url: URL?, charset: String?) {
        if isURL {
            let response = try CurlTransfer.fetch(argument, limits: limits)
            guard response.status == 0 || (200..<300).contains(response.status) else {
                throw FetchError(url: argument, message: "HTTP status \(response.status)")
            }
            return (response.body, URL(string: response.effectiveURL), response.charset)
        }
        guard let handle = FileHandle(forReadingAtPath: argument) else {
            throw FetchError(url: argument, message: "cannot open file")
        }
        defer { try? handle.close() }
        // Read one byte past the cap, so an oversized file is refused without reading it all.
        let data = try handle.read(upToCount: limits.maxBody + 1) ?? Data()
        if data.count > limits.maxBody {
            let size = (try? FileManager.default.attributesOfItem(atPath: argument)[.size] as? Int) ?? data.count
            throw FetchError(url: argument, message: "file is \(size) bytes, larger than max_body (\(limits.maxBody) bytes)")
        }
        // A local file has no web address: relative links stay relative unless a base is given.
        return ([UInt8](data), nil, nil)
    }
}
