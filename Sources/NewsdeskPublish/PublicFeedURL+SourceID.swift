import Crypto
import Foundation
import NewsdeskConfig

extension PublicFeedURL {
    /// The feed's id in `atom:source`: `urn:newsdesk:feed:` and 32 hex digits of SHA-256 over
    /// the URL without its user name and password. Stable for as long as the URL stays in the
    /// config (changing a password does not change it), and it gives nothing away: user names
    /// and passwords, which people choose and so can be guessed, are not hashed at all; a query
    /// token is, and only a token short enough to guess could be found by trying (a token one
    /// can guess protects nothing in any case). Two feeds whose URLs differ only in their
    /// credentials share an id. A keyed hash would need a secret kept in the state, and an id
    /// that changes whenever the state is rebuilt.
    public static func sourceID(_ url: String) -> String {
        let parts = Parts(url)
        return "urn:newsdesk:feed:"
            + SHA256.hash(data: Array((parts.scheme + parts.rest).utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
