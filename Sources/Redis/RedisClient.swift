import Retry

/// Keeps one `RedisConnection` alive for a long-lived user on a dedicated thread,
/// reconnecting with backoff so a Redis restart costs a few retries, not the process.
///
/// Outages are logged once when they start and once when they end, not per attempt,
/// so a long outage does not flood the log. Not Sendable, like the connection inside.
///
/// Through Sentinel, every new connection asks the sentinels for the primary, so a
/// failover costs the commands that fail during it: a lost connection, or a `READONLY`
/// error from a demoted primary, drops the connection and the next call re-resolves.
public final class RedisClient {
    public let endpoint: RedisEndpoint
    private let log: @Sendable (String) -> Void
    private var reconnector: Reconnector
    private var connection: RedisConnection?
    /// The last "primary is ..." line, so only a change of primary is logged.
    private var primaryLine: String?

    /// `sleep` blocks between connection attempts (tests inject their own).
    public init(
        endpoint: RedisEndpoint, backoff: Backoff = Backoff(initial: 0.1, maximum: 5),
        sleep: @escaping (Double) -> Void = ThreadSleep.sleep,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.endpoint = endpoint
        self.log = log
        reconnector = Reconnector(backoff: backoff, log: log, sleep: sleep)
    }

    /// A client of one fixed server.
    public convenience init(
        url: RedisURL, backoff: Backoff = Backoff(initial: 0.1, maximum: 5),
        sleep: @escaping (Double) -> Void = ThreadSleep.sleep,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.init(endpoint: .url(url), backoff: backoff, sleep: sleep, log: log)
    }

    /// Runs `body` with a live connection, connecting first if needed. A failed
    /// connect is retried with backoff until `deadlineSeconds` have passed, then its
    /// error is thrown. If `body` throws `connectionLost` or `timeout`, the connection
    /// (or a `READONLY` error) is dropped (the next call reconnects) and the error rethrown: whether to retry
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
        let endpoint = endpoint
        let fresh = try reconnector.connect(
            deadlineSeconds: deadlineSeconds,
            unavailable: { "Redis at \(endpoint) is unavailable, retrying with backoff: \($0)" },
            recovered: "Redis at \(endpoint) is reachable again"
        ) { remaining throws(RedisError) in
            try endpoint.connectPrimary(timeoutSeconds: max(0.05, min(5, remaining)), log: notePrimary)
        }
        connection = fresh
        return fresh
    }

    private func drop(because error: RedisError) {
        connection?.close()
        connection = nil
        reconnector.connectionLost("Redis connection to \(endpoint) dropped: \(error)")
    }

    private func notePrimary(_ line: String) {
        guard line != primaryLine else { return }
        primaryLine = line
        log(line)
    }
}

@available(*, unavailable)
extension RedisClient: Sendable {}
