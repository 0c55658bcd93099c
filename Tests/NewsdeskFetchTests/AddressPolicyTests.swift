import Foundation
import Testing

@testable import NewsdeskFetch

@Suite("Which addresses a feed fetch may connect to")
struct AddressPolicyTests {
    /// The address the resolver gives for `spelling`, read from the socket address it builds,
    /// as libcurl's open-socket callback receives it.
    static func resolved(_ spelling: String) throws -> IPAddress {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let host = spelling.hasPrefix("[") ? String(spelling.dropFirst().dropLast()) : spelling
        guard getaddrinfo(host, "80", &hints, &list) == 0, let first = list else {
            throw POSIXError(.EINVAL)
        }
        defer { freeaddrinfo(list) }
        return try #require(IPAddress(first.pointee.ai_addr, length: Int(first.pointee.ai_addrlen)))
    }

    static let refused: [(String, AddressPolicy.Range)] = [
        ("127.0.0.1", .loopback), ("127.1", .loopback), ("2130706433", .loopback), ("0x7f000001", .loopback),
        ("0177.0.0.1", .loopback), ("127.255.255.254", .loopback), ("[::1]", .loopback),
        ("[::ffff:127.0.0.1]", .loopback), ("[::ffff:7f00:1]", .loopback),
        ("0.0.0.0", .unspecified), ("0", .unspecified), ("[::]", .unspecified), ("0.1.2.3", .reserved),
        ("10.0.0.1", .privateNetwork), ("10.255.255.255", .privateNetwork), ("172.16.0.1", .privateNetwork),
        ("172.31.255.255", .privateNetwork), ("192.168.1.1", .privateNetwork), ("[::ffff:10.0.0.1]", .privateNetwork),
        ("169.254.169.254", .linkLocal), ("[fe80::1]", .linkLocal), ("[febf::1]", .linkLocal),
        ("100.64.0.1", .sharedAddressSpace), ("100.127.255.255", .sharedAddressSpace),
        ("224.0.0.1", .multicast), ("239.255.255.250", .multicast), ("[ff02::1]", .multicast), ("[ff0e::1]", .multicast),
        ("255.255.255.255", .broadcast), ("240.0.0.1", .reserved), ("192.0.0.8", .reserved),
        ("192.0.2.1", .documentation), ("198.51.100.7", .documentation), ("203.0.113.9", .documentation),
        ("[2001:db8::1]", .documentation), ("198.18.0.1", .benchmarking), ("198.19.255.255", .benchmarking),
        ("[fc00::1]", .privateNetwork), ("[fd12:3456::1]", .privateNetwork), ("[fec0::1]", .privateNetwork),
        ("[64:ff9b::7f00:1]", .loopback), ("[64:ff9b::a9fe:a9fe]", .linkLocal), ("[64:ff9b:1::1]", .privateNetwork),
        ("[2002:7f00:1::1]", .loopback), ("[2002:c0a8:101::]", .privateNetwork),
        ("[::127.0.0.1]", .reserved), ("[100::1]", .reserved), ("[2001::1]", .reserved), ("[4000::1]", .reserved),
    ]

    @Test(arguments: refused)
    func refusesEverySpellingOfANonPublicAddress(spelling: String, range: AddressPolicy.Range) throws {
        #expect(AddressPolicy.classify(try Self.resolved(spelling)) == range, "\(spelling)")
    }

    @Test(arguments: [
        "93.184.215.14", "8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0",
        "169.253.0.1", "192.167.1.1", "223.255.255.255", "[2606:4700:4700::1111]", "[2a00:1450:4001::200e]",
        "[::ffff:8.8.8.8]", "[64:ff9b::808:808]", "[2002:808:808::1]",
    ])
    func allowsPublicAddresses(spelling: String) throws {
        #expect(AddressPolicy.classify(try Self.resolved(spelling)) == nil, "\(spelling)")
    }

    /// libcurl reports the address of a connection (a reused one too) as text.
    @Test func readsTheNumericTextLibcurlReports() throws {
        #expect(IPAddress("127.0.0.1").map(AddressPolicy.classify) == .loopback)
        #expect(IPAddress("::ffff:127.0.0.1").map(AddressPolicy.classify) == .loopback)
        #expect(IPAddress("fe80::1").map(AddressPolicy.classify) == .linkLocal)
        #expect(IPAddress("example.org") == nil)
    }

    @Test func theRefusalNamesTheAddressAndTheKey() throws {
        let address = try Self.resolved("0x7f000001")
        #expect(
            AddressPolicy.refusal(address, .loopback)
                == "refused to connect to 127.0.0.1 (a loopback address): set allow_private_networks = true to fetch from private networks")
        #expect(try Self.resolved("[::ffff:127.0.0.1]").description == "::ffff:127.0.0.1")
    }
}
