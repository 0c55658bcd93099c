import Foundation

/// Where the state lives, as `state` says: an SQLite file (the default; a path, relative to the
/// config's folder), or a PostgreSQL database, given as a URL (`postgresql://user@host:port/db?sslmode=...`)
/// or as libpq's `key=value` words (`host=db1 dbname=newsdesk user=newsdesk`). libpq reads the
/// password from `passfile=`, `PGPASSFILE` or `~/.pgpass` (or the URL, which Newsdesk never prints).
public enum StateLocation {
    /// Whether `state` names a PostgreSQL database rather than a file.
    public static func isPostgres(_ state: String) -> Bool {
        if state.hasPrefix("postgresql://") || state.hasPrefix("postgres://") { return true }
        // libpq's words: the first is one of its keywords, then `=`.
        guard let equals = state.firstIndex(of: "=") else { return false }
        let first = state[..<equals].trimmingCharacters(in: .whitespaces)
        return keywords.contains(first)
    }

    /// `state` as it may be shown (logs, `check`): a password in it left out.
    public static func display(_ state: String) -> String {
        guard isPostgres(state) else { return state }
        if let scheme = state.range(of: "://") {
            // postgresql://user:password@host/...: the part between the first ':' and the '@'.
            let rest = state[scheme.upperBound...]
            guard let at = rest.firstIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") else { return state }
            return String(state[..<colon]) + String(rest[at...])
        }
        return state.split(separator: " ").filter { !$0.hasPrefix("password=") }.joined(separator: " ")
    }

    private static let keywords: Set<String> = [
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "service", "sslmode", "connect_timeout",
        "application_name", "options", "target_session_attrs",
    ]
}
