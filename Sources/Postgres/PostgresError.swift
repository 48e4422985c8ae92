/// Everything the adapter can report, with enough context to act on it without a debugger.
public enum PostgresError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A malformed DATABASE_URL: a usage error, fix the configuration.
    case invalidURL(String)
    /// The server could not be reached or refused us; `url` has its password redacted.
    case connectionFailed(url: String, message: String)
    /// The server rejected a statement; `sqlState` is the five-character SQLSTATE code.
    case queryFailed(sqlState: String, message: String, detail: String?, query: String)
    /// The socket died (or the connection was closed): callers reconnect.
    case connectionLost(message: String)
    /// A value could not be read as the requested Swift type (`value` nil for NULL).
    case decodeFailed(column: String, expected: String, value: String?)
    /// The result has no column of that name.
    case columnNotFound(String)

    public var description: String {
        switch self {
        case .invalidURL(let reason):
            return "invalid DATABASE_URL: \(reason)"
        case .connectionFailed(let url, let message):
            return "cannot connect to PostgreSQL at \(url): \(message)"
        case .queryFailed(let sqlState, let message, let detail, let query):
            let detailText = detail.map { " (\($0))" } ?? ""
            return "query failed [\(sqlState)]: \(message)\(detailText); query: \(query)"
        case .connectionLost(let message):
            return "connection to PostgreSQL lost: \(message)"
        case .decodeFailed(let column, let expected, let value):
            let shown = value.map { "'\($0)'" } ?? "NULL"
            return "column \"\(column)\": cannot decode \(shown) as \(expected)"
        case .columnNotFound(let column):
            return "no column named \"\(column)\" in the result"
        }
    }
}

extension PostgresError {
    /// True for errors after which the connection is unusable and must be replaced.
    public var isConnectionError: Bool {
        switch self {
        case .connectionLost, .connectionFailed: return true
        default: return false
        }
    }
}
