import Glibc
import Retry

/// Keeps one `RedisConnection` alive for a long-lived user on a dedicated thread,
/// reconnecting with backoff so a Redis restart costs a few retries, not the process.
///
/// Outages are logged once when they start and once when they end, not per attempt,
/// so a long outage does not flood the log. Not Sendable, like the connection inside.
public final class RedisClient {
    public let url: RedisURL
    private var backoff: Backoff
    private let log: @Sendable (String) -> Void
    private var connection: RedisConnection?
    private var inOutage = false

    public init(url: RedisURL, backoff: Backoff = Backoff(initial: 0.1, maximum: 5), log: @escaping @Sendable (String) -> Void) {
        self.url = url
        self.backoff = backoff
        self.log = log
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
        !inOutage && connection?.isConnected == true
    }

    /// Closes the connection; the next `withConnection` opens a new one.
    public func close() {
        connection?.close()
        connection = nil
    }

    private func liveConnection(deadlineSeconds: Double) throws(RedisError) -> RedisConnection {
        if let connection, connection.isConnected { return connection }
        connection = nil
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int64(max(0, deadlineSeconds) * 1000))
        while true {
            let remaining = Self.seconds(clock.now.duration(to: deadline))
            do {
                let fresh = try RedisConnection.connect(url, timeoutSeconds: max(0.05, min(5, remaining)))
                if inOutage { log("Redis at \(url.redacted) is reachable again") }
                inOutage = false
                backoff.reset()
                connection = fresh
                return fresh
            } catch {
                if !inOutage {
                    log("Redis at \(url.redacted) is unavailable, retrying with backoff: \(error)")
                    inOutage = true
                }
                let delay = backoff.nextDelay()
                if Self.seconds(clock.now.duration(to: deadline)) < delay { throw error }
                Self.sleep(seconds: delay)
            }
        }
    }

    private func drop(because error: RedisError) {
        connection?.close()
        connection = nil
        if !inOutage {
            log("Redis connection to \(url.redacted) dropped: \(error)")
            inOutage = true
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// A plain blocking sleep: this runs on a dedicated thread, never an event loop.
    private static func sleep(seconds: Double) {
        var request = timespec(seconds: seconds)
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }
}

extension timespec {
    fileprivate init(seconds: Double) {
        let whole = max(0, seconds).rounded(.down)
        self.init(tv_sec: Int(whole), tv_nsec: Int((max(0, seconds) - whole) * 1e9))
    }
}

@available(*, unavailable)
extension RedisClient: Sendable {}
