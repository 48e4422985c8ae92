/// Everything the Redis adapter can throw. Cases carry enough context to log without
/// the caller re-deriving it, and none carries a password.
public enum RedisError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A bad `REDIS_URL`: a usage error, with the reason.
    case invalidURL(String)
    /// Could not connect, authenticate or select the database; `url` is redacted.
    case connectionFailed(url: String, message: String)
    /// An I/O error or EOF mid-command; the connection is closed and callers reconnect.
    case connectionLost(message: String)
    /// A blocking read hit the configured read timeout. hiredis 0.14 leaves the
    /// context unusable afterwards, so the connection is closed as well.
    case timeout
    /// An error reply from the server (for example "WRONGTYPE ..." or "NOAUTH ...").
    case server(String)
    /// The server answered with a reply of the wrong shape.
    case unexpectedReply(expected: String, got: String)
    /// A bad `REDIS_SENTINELS` list: a usage error, with the reason.
    case invalidSentinels(String)
    /// No sentinel named a primary for `master`; `tried` says what each one answered.
    case noPrimary(master: String, tried: [String])

    public var description: String {
        switch self {
        case .invalidURL(let reason): "invalid Redis URL: \(reason)"
        case .connectionFailed(let url, let message): "cannot connect to Redis at \(url): \(message)"
        case .connectionLost(let message): "Redis connection lost: \(message)"
        case .timeout: "Redis read timed out"
        case .server(let message): "Redis error: \(message)"
        case .unexpectedReply(let expected, let got): "unexpected Redis reply: expected \(expected), got \(got)"
        case .invalidSentinels(let reason): "invalid Redis sentinel list: \(reason)"
        case .noPrimary(let master, let tried):
            "no Redis primary for master '\(master)': \(tried.isEmpty ? "no sentinels" : tried.joined(separator: "; "))"
        }
    }

    /// Errors after which the connection is gone or useless and must be replaced. A
    /// `READONLY` error means the server was a primary and is now a replica (a Sentinel
    /// failover happened): a new connection resolves the new primary.
    public var closesConnection: Bool {
        switch self {
        case .connectionLost, .timeout: true
        case .server(let message): message.hasPrefix("READONLY")
        default: false
        }
    }
}
