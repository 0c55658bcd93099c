import CCurl
import Foundation

/// An IPv4 or IPv6 address: the bytes a socket connects to, in network order.
package struct IPAddress: Sendable, Equatable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    let bytes: [UInt8]

    init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// The address in a socket address (`sockaddr_in` or `sockaddr_in6`, `length` bytes); nil
    /// for any other family.
    init?(_ address: UnsafePointer<sockaddr>, length: Int) {
        var out = [UInt8](repeating: 0, count: 16)
        let count = Int(nd_sockaddr_ip(address, UInt32(clamping: length), &out))
        self.init(bytes: Array(out.prefix(count)))
    }

    /// An address in its numeric text form: a dotted quad or IPv6 text, as libcurl reports the
    /// address it connected to.
    init?(_ text: String) {
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            self.init(bytes: withUnsafeBytes(of: &v6) { Array($0) })
            return
        }
        var v4 = in_addr()
        guard inet_pton(AF_INET, text, &v4) == 1 else { return nil }
        self.init(bytes: withUnsafeBytes(of: &v4) { Array($0) })
    }

    var isIPv4: Bool { bytes.count == 4 }

    /// The IPv4 address as one number (only for IPv4).
    var ipv4: UInt32 { bytes.prefix(4).reduce(0) { $0 << 8 | UInt32($1) } }

    package var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = isIPv4 ? AF_INET : AF_INET6
        guard bytes.withUnsafeBytes({ inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) }) != nil else {
            return bytes.map { String($0) }.joined(separator: ".")
        }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Which addresses a feed fetch may connect to. Only public unicast addresses are allowed by
/// default; every address of the special-purpose registries (RFC 6890 and its successors) is
/// refused: loopback, private, link-local, multicast, unspecified, shared (carrier-grade NAT),
/// documentation, benchmarking and reserved ranges, in IPv4 and IPv6. An IPv6 address that
/// carries an IPv4 one (IPv4-mapped, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) is judged by the
/// IPv4 address inside it, and an IPv6 address outside global unicast (`2000::/3`) is reserved.
///
/// A pure function of the address: ``CurlTransfer`` asks it about every address it connects
/// to and every connection it reuses.
package enum AddressPolicy {
    /// A judgement of an address: its range when not public, nil when public.
    package typealias Classifier = (IPAddress) -> Range?

    /// Why an address is not public.
    package enum Range: String, Sendable {
        case loopback = "a loopback address"
        case privateNetwork = "a private network address"
        case linkLocal = "a link-local address"
        case multicast = "a multicast address"
        case unspecified = "the unspecified address"
        case broadcast = "the broadcast address"
        case sharedAddressSpace = "a carrier-grade NAT address (100.64.0.0/10)"
        case documentation = "a documentation address"
        case benchmarking = "a benchmarking address"
        case reserved = "a reserved address"
    }

    /// The range `address` belongs to, or nil for a public address.
    package static func classify(_ address: IPAddress) -> Range? {
        if address.isIPv4 { return classify(ipv4: address.ipv4) }
        let bytes = address.bytes
        if let embedded = embeddedIPv4(bytes) { return classify(ipv4: embedded) }
        for (prefix, bits, range) in ipv6Ranges where matches(bytes, prefix.bytes, bits) { return range }
        return bytes[0] & 0xE0 == 0x20 ? nil : .reserved
    }

    /// The error for a refused connection to `address`.
    static func refusal(_ address: IPAddress, _ range: Range) -> String {
        "refused to connect to \(address) (\(range.rawValue)): set allow_private_networks = true to fetch from private networks"
    }

    private static func classify(ipv4 address: UInt32) -> Range? {
        for (prefix, bits, range) in ipv4Ranges where address >> (32 - bits) == prefix >> (32 - bits) { return range }
        return nil
    }

    /// The IPv4 address carried by an IPv4-mapped (`::ffff:0:0/96`), NAT64 (`64:ff9b::/96`) or
    /// 6to4 (`2002::/16`) address.
    private static func embeddedIPv4(_ bytes: [UInt8]) -> UInt32? {
        func number(_ slice: ArraySlice<UInt8>) -> UInt32 { slice.reduce(0) { $0 << 8 | UInt32($1) } }
        if bytes[..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { return number(bytes[12..<16]) }
        if bytes[..<12] == [0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return number(bytes[12..<16]) }
        if bytes[0] == 0x20, bytes[1] == 0x02 { return number(bytes[2..<6]) }
        return nil
    }

    private static func matches(_ bytes: [UInt8], _ prefix: [UInt8], _ bits: Int) -> Bool {
        for index in 0..<(bits / 8) where bytes[index] != prefix[index] { return false }
        let rest = bits % 8
        guard rest > 0 else { return true }
        let mask = UInt8(0xFF) << (8 - rest)
        return bytes[bits / 8] & mask == prefix[bits / 8] & mask
    }

    /// The IPv4 special-purpose ranges, the narrower first where they overlap.
    private static let ipv4Ranges: [(UInt32, Int, Range)] = [
        (0x0000_0000, 32, .unspecified),  // 0.0.0.0
        (0x0000_0000, 8, .reserved),  // 0.0.0.0/8, "this network"
        (0x0A00_0000, 8, .privateNetwork),  // 10.0.0.0/8
        (0x6440_0000, 10, .sharedAddressSpace),  // 100.64.0.0/10
        (0x7F00_0000, 8, .loopback),  // 127.0.0.0/8
        (0xA9FE_0000, 16, .linkLocal),  // 169.254.0.0/16, cloud metadata services among them
        (0xAC10_0000, 12, .privateNetwork),  // 172.16.0.0/12
        (0xC000_0000, 24, .reserved),  // 192.0.0.0/24, IETF protocol assignments
        (0xC000_0200, 24, .documentation),  // 192.0.2.0/24
        (0xC058_6300, 24, .reserved),  // 192.88.99.0/24, the retired 6to4 relays
        (0xC0A8_0000, 16, .privateNetwork),  // 192.168.0.0/16
        (0xC612_0000, 15, .benchmarking),  // 198.18.0.0/15
        (0xC633_6400, 24, .documentation),  // 198.51.100.0/24
        (0xCB00_7100, 24, .documentation),  // 203.0.113.0/24
        (0xE000_0000, 4, .multicast),  // 224.0.0.0/4
        (0xFFFF_FFFF, 32, .broadcast),  // 255.255.255.255
        (0xF000_0000, 4, .reserved),  // 240.0.0.0/4
    ]

    /// The IPv6 special-purpose ranges inside and outside `2000::/3`, the narrower first.
    private static let ipv6Ranges: [(IPAddress, Int, Range)] =
        ([
            ("::", 128, .unspecified), ("::1", 128, .loopback),
            ("::", 96, .reserved),  // IPv4-compatible, retired
            ("64:ff9b:1::", 48, .privateNetwork),  // local-use NAT64
            ("100::", 64, .reserved),  // discard-only
            ("2001:2::", 48, .benchmarking), ("2001::", 23, .reserved),  // IETF protocol assignments (Teredo among them)
            ("2001:db8::", 32, .documentation), ("3fff::", 20, .documentation),
            ("fc00::", 7, .privateNetwork),  // unique local
            ("fe80::", 10, .linkLocal), ("fec0::", 10, .privateNetwork),  // site-local, retired
            ("ff00::", 8, .multicast),
        ] as [(String, Int, Range)]).compactMap { text, bits, range in IPAddress(text).map { ($0, bits, range) } }
}
