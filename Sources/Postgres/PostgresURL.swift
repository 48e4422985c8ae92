import CLibPQ

/// A validated connection string: `postgres://` / `postgresql://` URIs or `key=value` conninfo.
/// Validated up front (with libpq's own parser) so a typo fails at startup, not at first use.
public struct PostgresURL: Sendable, CustomStringConvertible {
    /// The string handed to libpq; internal because it may hold a password.
    let conninfo: String
    /// The connection string with any password replaced by `***`, safe for logs.
    public let redacted: String

    public init(_ string: String) throws(PostgresError) {
        guard string.contains(where: { !$0.isWhitespace }) else {
            throw .invalidURL("empty; expected postgres://user@host:port/database or key=value pairs")
        }
        if let schemeEnd = string.firstRange(of: "://") {
            let scheme = string[..<schemeEnd.lowerBound]
            guard scheme == "postgres" || scheme == "postgresql" else {
                throw .invalidURL("unsupported scheme \"\(scheme)\"; expected postgres:// or postgresql://")
            }
        }
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(string, &error) else {
            let reason = error.map { trimmedMessage($0) } ?? "cannot parse the connection string"
            if let error { PQfreemem(error) }
            throw .invalidURL(reason)
        }
        PQconninfoFree(options)
        conninfo = string
        redacted = Self.redact(string)
    }

    public var description: String { redacted }
}
