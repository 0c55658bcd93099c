import Foundation
import Testing
import TestSupport

@testable import NewsdeskStore

/// The two databases a state can live in: every backend-neutral store test runs on both, the
/// PostgreSQL one on a real server (``PostgresServer``), a new database per test.
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgresql

    var testDescription: String { rawValue }

    /// Where a new, empty state of this kind is: a file path, or a database URL.
    func location() throws -> String {
        switch self {
        case .sqlite:
            FileManager.default.temporaryDirectory.appendingPathComponent("newsdesk-store-\(UUID().uuidString).sqlite").path
        case .postgresql: try PostgresServer.shared.get().database()
        }
    }

    func open(exclusive: Bool = false) throws -> StateStore {
        try StateStore(path: location(), exclusive: exclusive)
    }
}
