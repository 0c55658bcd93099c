import Foundation
import GRDB

/// A record of the state database. Every time there is a REAL of seconds since 1970 (GRDB's
/// default would store text), so each record type adopts this to read and write its dates the
/// way the schema has always held them.
public protocol StateRecord {}

extension StateRecord where Self: EncodableRecord {
    /// Dates are written as seconds since 1970.
    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .timeIntervalSince1970
    }
}

extension StateRecord where Self: FetchableRecord {
    /// Dates are read as seconds since 1970.
    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .timeIntervalSince1970
    }
}
