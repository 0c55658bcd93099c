/// Why a document could not be read as a feed, with where, in words a user can act on.
public struct FeedParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Larger than the configured cap.
        case tooLarge
        /// Nothing but white space.
        case empty
        /// Readable, but not RSS, Atom or JSON Feed (an HTML page, other JSON, another XML vocabulary).
        case notAFeed
        /// A feed so broken (or hostile) that nothing could be recovered from it.
        case malformed
    }

    public var kind: Kind
    public var message: String
    public var line: Int?
    public var column: Int?

    public init(_ kind: Kind, _ message: String, line: Int? = nil, column: Int? = nil) {
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String {
        guard let line else { return message }
        return "\(message) (line \(line)\(column.map { ", column \($0)" } ?? ""))"
    }
}
