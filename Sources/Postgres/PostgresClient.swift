import Retry

/// A connection that comes back by itself: for long-lived users (catalog reloader, scheduler) that must
/// survive database restarts. Like `PostgresConnection`, used by one thread at a time.
public final class PostgresClient {
    public let url: PostgresURL
    var reconnector: Reconnector
    var connection: PostgresConnection?

    /// True when the last attempt (connect or body) succeeded; for /readyz.
    public internal(set) var isHealthy = false

    /// `log` gets one line when an outage starts and one when it ends. `sleep` blocks
    /// between attempts (tests inject their own).
    public init(
        url: PostgresURL, backoff: Backoff = Backoff(initial: 0.1, maximum: 5),
        sleep: @escaping (Double) -> Void = ThreadSleep.sleep, log: @escaping @Sendable (String) -> Void
    ) {
        self.url = url
        reconnector = Reconnector(backoff: backoff, log: log, sleep: sleep)
    }

    /// Drops the current connection; the next `withConnection` opens a new one.
    public func close() {
        connection?.close()
        connection = nil
    }
}

@available(*, unavailable)
extension PostgresClient: Sendable {}
