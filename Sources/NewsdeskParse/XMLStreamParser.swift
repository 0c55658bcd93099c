import CLibXML2
import Foundation

/// The XML namespaces feeds use, recognised once per distinct URI.
enum XMLNamespace: UInt8, Sendable {
    case none, atom10, atom03, rss10, rss090, rdf, content, dc, dcterms, media, itunes, slash, xhtml, xml, other

    init(uri: String) {
        switch uri {
        case "": self = .none
        case "http://www.w3.org/2005/Atom": self = .atom10
        case "http://purl.org/atom/ns#": self = .atom03
        case "http://purl.org/rss/1.0/": self = .rss10
        case "http://my.netscape.com/rdf/simple/0.9/": self = .rss090
        case "http://www.w3.org/1999/02/22-rdf-syntax-ns#": self = .rdf
        case "http://purl.org/rss/1.0/modules/content/": self = .content
        case "http://purl.org/dc/elements/1.1/", "http://purl.org/dc/elements/1.0/": self = .dc
        case "http://purl.org/dc/terms/": self = .dcterms
        case "http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss", "http://tools.search.yahoo.com/mrss/":
            self = .media
        case "http://www.itunes.com/dtds/podcast-1.0.dtd", "http://www.itunes.com/DTDs/Podcast-1.0.dtd":
            self = .itunes
        case "http://purl.org/rss/1.0/modules/slash/": self = .slash
        case "http://www.w3.org/1999/xhtml": self = .xhtml
        case "http://www.w3.org/XML/1998/namespace": self = .xml
        // RSS 2.0 documents sometimes carry Userland's namespace; it means plain RSS.
        case "http://backend.userland.com/rss2", "http://blogs.law.harvard.edu/tech/rss": self = .none
        default: self = .other
        }
    }
}

/// An element's name: its classified namespace and local name, and what it is to a feed.
struct XMLName: Sendable, Equatable {
    var namespace: XMLNamespace
    var local: String
    var element: FeedElement

    init(namespace: XMLNamespace, local: String) {
        self.namespace = namespace
        self.local = local
        self.element = FeedElement(namespace: namespace, local: local)
    }
}

/// The attributes of the element being started; valid only during the `startElement` call.
struct XMLAttributes {
    fileprivate let count: Int
    fileprivate let base: UnsafeMutablePointer<UnsafePointer<UInt8>?>?

    var isEmpty: Bool { count == 0 }

    /// The value of the attribute `local` in namespace `namespace` (no namespace by default).
    /// Names are compared as bytes: this runs for many elements of every feed.
    subscript(_ local: StaticString, namespace namespace: XMLNamespace = .none) -> String? {
        guard let base else { return nil }
        for index in 0..<count {
            let field = base + 5 * index
            guard let name = field[0], Self.equal(name, local), Self.inNamespace(field[2], namespace) else { continue }
            return value(at: index)
        }
        return nil
    }

    /// Appends the attributes as HTML (` prefix:name="value"` each), for re-serializing inline
    /// markup. Values keep libxml2's `&#38;` for `&` (it means the same in HTML) and have `<`,
    /// `>` and `"` escaped.
    func serialize(into out: inout [UInt8]) {
        guard let base else { return }
        for index in 0..<count {
            let field = base + 5 * index
            guard let local = field[0], let start = field[3], let end = field[4] else { continue }
            out.append(0x20)
            if let prefix = field[1] {
                out.append(contentsOf: UnsafeBufferPointer(start: prefix, count: strlen(prefix)))
                out.append(UInt8(ascii: ":"))
            }
            out.append(contentsOf: UnsafeBufferPointer(start: local, count: strlen(local)))
            UTF8Text.append("=\"", to: &out)
            // Escaped a run at a time; the ampersands between runs are kept as they are.
            var rest = UnsafeBufferPointer(start: start, count: end - start)
            while let amp = ByteScan.index(of: UInt8(ascii: "&"), in: rest, from: 0) {
                UTF8Text.appendEscaped(UnsafeBufferPointer(rebasing: rest[..<amp]), to: &out)
                out.append(UInt8(ascii: "&"))
                rest = UnsafeBufferPointer(rebasing: rest[(amp + 1)...])
            }
            UTF8Text.appendEscaped(rest, to: &out)
            out.append(UInt8(ascii: "\""))
        }
    }

    /// Whether the NUL-terminated `name` is `literal`.
    private static func equal(_ name: UnsafePointer<UInt8>, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        return memcmp(name, literal.utf8Start, count) == 0 && name[count] == 0
    }

    private static func inNamespace(_ uri: UnsafePointer<UInt8>?, _ namespace: XMLNamespace) -> Bool {
        switch namespace {
        case .none: return uri == nil
        case .xml: return uri.map { equal($0, "http://www.w3.org/XML/1998/namespace") } ?? false
        case .rdf: return uri.map { equal($0, "http://www.w3.org/1999/02/22-rdf-syntax-ns#") } ?? false
        default: return uri.map { XMLNamespace(uri: String(cString: $0)) == namespace } ?? false
        }
    }

    private func value(at index: Int) -> String {
        guard let field = base.map({ $0 + 5 * index }), let start = field[3], let end = field[4] else { return "" }
        let bytes = UnsafeBufferPointer(start: start, count: end - start)
        // Without entity substitution, libxml2's SAX2 hands over an `&` in a value as "&#38;"
        // (for a tree builder to decode later); it is the only reference left undecoded.
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "&"), i + 4 < bytes.count, bytes[i + 1] == UInt8(ascii: "#"), bytes[i + 2] == UInt8(ascii: "3"),
                bytes[i + 3] == UInt8(ascii: "8"), bytes[i + 4] == UInt8(ascii: ";")
            {
                out.append(UInt8(ascii: "&"))
                i += 5
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Receives the events of a streaming XML parse, in document order.
protocol XMLEventSink: AnyObject {
    /// Returns whether the sink wants the character data that follows (until the next tag).
    func startElement(_ name: XMLName, attributes: XMLAttributes) -> Bool
    /// Returns whether the sink wants the character data that follows (until the next tag).
    func endElement(_ name: XMLName) -> Bool
    /// Character data (CDATA included), gathered between two tags. Valid only during the call.
    func characters(_ text: UnsafeBufferPointer<UInt8>)
}

/// How a parse went: the first error with its position, and whether libxml2 gave up early.
struct XMLParseOutcome: Sendable {
    var wellFormed: Bool
    var errorCount: Int
    var firstError: String?
    var line: Int
    var column: Int
    var stoppedEarly: Bool
    var entityBomb: Bool
}

/// The one Swift file that talks to libxml2: a SAX2 parse in recovery mode over UTF-8 bytes.
///
/// Pointers, all libxml2's and all borrowed: names are NUL-terminated strings interned in the
/// parser's dictionary, alive for the whole parse (so a pointer pair can key `names`); the
/// attribute array (five pointers an attribute: local name, prefix, URI, value start, value end)
/// and character data are valid only during the callback that hands them over, and are never
/// kept. The userdata pointer is this parser, kept alive across `nd_xml_parse` by
/// `withExtendedLifetime`. The input buffer is the caller's and outlives the call.
///
/// Not `Sendable`: one parse, one thread. Safe against hostile input by construction of the C side
/// (no external entities or DTDs, no network, libxml2's default size and depth limits).
final class XMLStreamParser {
    private let sink: any XMLEventSink
    /// libxml2 interns names, so a (local name, namespace URI) pointer pair names one element.
    private var names: [NameKey: XMLName] = [:]
    /// A direct-mapped cache in front of `names`, indexed by a hash of the two pointers.
    private var recent = [(key: NameKey, name: XMLName)?](repeating: nil, count: 64)

    private struct NameKey: Hashable {
        let local: UnsafePointer<UInt8>
        let uri: UnsafePointer<UInt8>?
    }

    private init(sink: any XMLEventSink) {
        self.sink = sink
    }

    /// Parses `utf8` (already transcoded to UTF-8), reporting events to `sink`.
    static func parse(_ utf8: UnsafeRawBufferPointer, sink: any XMLEventSink) -> XMLParseOutcome {
        let parser = XMLStreamParser(sink: sink)
        var handler = nd_xml_handler()
        handler.userdata = Unmanaged.passUnretained(parser).toOpaque()
        // The callbacks borrow the parser: `withExtendedLifetime` below keeps it alive for the
        // whole parse, so the userdata pointer never outlives it.
        handler.start_element = { userdata, local, _, uri, count, attributes in
            guard let userdata, let local else { return 0 }
            let parser = Unmanaged<XMLStreamParser>.fromOpaque(userdata).takeUnretainedValue()
            let name = parser.name(local: local, uri: uri)
            return parser.sink.startElement(name, attributes: XMLAttributes(count: Int(count), base: attributes)) ? 1 : 0
        }
        handler.end_element = { userdata, local, uri in
            guard let userdata, let local else { return 0 }
            let parser = Unmanaged<XMLStreamParser>.fromOpaque(userdata).takeUnretainedValue()
            return parser.sink.endElement(parser.name(local: local, uri: uri)) ? 1 : 0
        }
        handler.characters = { userdata, text, length in
            guard let userdata, let text, length > 0 else { return }
            let parser = Unmanaged<XMLStreamParser>.fromOpaque(userdata).takeUnretainedValue()
            parser.sink.characters(UnsafeBufferPointer(start: text, count: length))
        }
        var result = nd_xml_result()
        let status = withExtendedLifetime(parser) {
            nd_xml_parse(utf8.baseAddress?.assumingMemoryBound(to: CChar.self), utf8.count, &handler, &result)
        }
        return XMLParseOutcome(result, status: status)
    }

    /// Parses `utf8` reporting nothing: the cost of libxml2 alone, the floor for benchmarks.
    static func parseWithoutEvents(_ utf8: UnsafeRawBufferPointer) -> XMLParseOutcome {
        var result = nd_xml_result()
        let status = nd_xml_parse(utf8.baseAddress?.assumingMemoryBound(to: CChar.self), utf8.count, nil, &result)
        return XMLParseOutcome(result, status: status)
    }

    private func name(local: UnsafePointer<UInt8>, uri: UnsafePointer<UInt8>?) -> XMLName {
        let key = NameKey(local: local, uri: uri)
        // A small direct-mapped cache in front of the dictionary: a feed uses few distinct names.
        let mixed = UInt(bitPattern: Int(bitPattern: local) ^ Int(bitPattern: uri) >> 4) &* 0x9E37_79B9_7F4A_7C15
        let slot = Int(truncatingIfNeeded: mixed >> 58)
        if let cached = recent[slot], cached.key == key { return cached.name }
        if let known = names[key] {
            recent[slot] = (key, known)
            return known
        }
        let name = XMLName(
            namespace: XMLNamespace(uri: uri.map { String(cString: $0) } ?? ""),
            local: String(cString: local))
        names[key] = name
        return name
    }
}

extension XMLParseOutcome {
    fileprivate init(_ result: nd_xml_result, status: Int32) {
        var result = result
        let message = withUnsafeBytes(of: &result.first_error_message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        self.init(
            wellFormed: status == 0, errorCount: Int(result.error_count),
            firstError: result.error_count > 0 ? message : nil,
            line: Int(result.first_error_line), column: Int(result.first_error_column),
            stoppedEarly: result.stopped_early != 0, entityBomb: result.entity_bomb != 0)
    }
}

/// One parse, one thread.
@available(*, unavailable)
extension XMLStreamParser: Sendable {}
