import Telemetry

/// The notification counters `/metrics` shows (process-wide, one increment per event).
public final class NotificationMetrics: Sendable {
    /// Notifications queued, one per recipient user.
    public let queued = Counter()
    /// Queued ones pushed out by `NOTIFY_QUEUE_MAX` before their user acknowledged them.
    public let dropped = Counter()
    /// Notification messages written to connections live (catch-up deliveries included).
    public let delivered = Counter()
    /// Notifications acknowledged by their users (removed from the queues).
    public let acknowledged = Counter()
    /// Sends, catch-ups, acks and history calls that failed for Redis (answered 503 or
    /// with a `notifications_unavailable` error).
    public let failures = Counter()
    /// Connections taking notifications now (both streams).
    public let connections = Counter()

    public init() {}
}
