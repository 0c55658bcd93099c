import Foundation

/// A 64-bit FNV-1a hash as 16 hex digits: enough to tell changed bytes from unchanged ones.
public enum ContentHash {
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = String(value(bytes), radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The same hash as a number, as SQLite stores it (an `INTEGER` is signed: the same bits).
    public static func value(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
