import Retry

/// A connection that comes back by itself: for long-lived users (catalog reloader, scheduler) that must
/// survive database restarts. Like `PostgresConnection`, used by one thread at a time.
public final class PostgresClient {
    public let url: PostgresURL
    var backoff: Backoff
    let log: @Sendable (String) -> Void
    var connection: PostgresConnection?
    /// Whether the current outage was already logged, so a long outage is one log line, not hundreds.
    var outageLogged = false

    /// True when the last attempt (connect or body) succeeded; for /readyz.
    public internal(set) var isHealthy = false

    public init(
        url: PostgresURL, backoff: Backoff = Backoff(initial: 0.1, maximum: 5),
        log: @escaping @Sendable (String) -> Void
    ) {
        self.url = url
        self.backoff = backoff
        self.log = log
    }

    /// Drops the current connection; the next `withConnection` opens a new one.
    public func close() {
        connection?.close()
        connection = nil
    }
}

@available(*, unavailable)
extension PostgresClient: Sendable {}
