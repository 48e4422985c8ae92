import Retry

/// Keeps one `RedisConnection` alive for a long-lived user on a dedicated thread,
/// reconnecting with backoff so a Redis restart costs a few retries, not the process.
///
/// Outages are logged once when they start and once when they end, not per attempt,
/// so a long outage does not flood the log. Not Sendable, like the connection inside.
public final class RedisClient {
    public let url: RedisURL
    private var reconnector: Reconnector
    private var connection: RedisConnection?

    /// `sleep` blocks between connection attempts (tests inject their own).
    public init(
        url: RedisURL, backoff: Backoff = Backoff(initial: 0.1, maximum: 5),
        sleep: @escaping (Double) -> Void = ThreadSleep.sleep,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.url = url
        reconnector = Reconnector(backoff: backoff, log: log, sleep: sleep)
    }

    /// Runs `body` with a live connection, connecting first if needed. A failed
    /// connect is retried with backoff until `deadlineSeconds` have passed, then its
    /// error is thrown. If `body` throws `connectionLost` or `timeout`, the connection
    /// is dropped (the next call reconnects) and the error rethrown: whether to retry
    /// the body is the caller's call, since it may not be idempotent.
    @discardableResult
    public func withConnection<R>(deadlineSeconds: Double = 10, _ body: (RedisConnection) throws -> R) throws -> R {
        let connection = try liveConnection(deadlineSeconds: deadlineSeconds)
        do {
            return try body(connection)
        } catch let error as RedisError where error.closesConnection || !connection.isConnected {
            drop(because: error)
            throw error
        }
    }

    /// True while a connection is open and no outage is in progress.
    public var isHealthy: Bool {
        !reconnector.inOutage && connection?.isConnected == true
    }

    /// Closes the connection; the next `withConnection` opens a new one.
    public func close() {
        connection?.close()
        connection = nil
    }

    private func liveConnection(deadlineSeconds: Double) throws(RedisError) -> RedisConnection {
        if let connection, connection.isConnected { return connection }
        connection = nil
        let url = url
        let fresh = try reconnector.connect(
            deadlineSeconds: deadlineSeconds,
            unavailable: { "Redis at \(url.redacted) is unavailable, retrying with backoff: \($0)" },
            recovered: "Redis at \(url.redacted) is reachable again"
        ) { remaining throws(RedisError) in
            try RedisConnection.connect(url, timeoutSeconds: max(0.05, min(5, remaining)))
        }
        connection = fresh
        return fresh
    }

    private func drop(because error: RedisError) {
        connection?.close()
        connection = nil
        reconnector.connectionLost("Redis connection to \(url.redacted) dropped: \(error)")
    }
}

@available(*, unavailable)
extension RedisClient: Sendable {}
