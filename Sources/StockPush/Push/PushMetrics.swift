import Synchronization
import Telemetry

/// Process-wide push counters. Increments happen once per tick or per event (never
/// per client per message: those live in each loop's `PushCore` stats).
public final class PushMetrics: Sendable {
    public let ticks = Counter()
    public let quotesChanged = Counter()
    public let authFailures = Counter()
    public let limitRefusals = Counter()
    /// Control-channel messages that did not parse (logged and dropped).
    public let controlDropped = Counter()
    /// Handshakes admitted on the local per-user count alone (Redis down or slow).
    public let clusterLimitFallbacks = Counter()
    /// WebSocket handshakes refused 403 for an `Origin` the policy does not allow.
    public let originRefusals = Counter()
    /// CORS preflights refused 403 for the same reason.
    public let corsRefusals = Counter()
    /// Session records written (one per command: a change, a close, a TTL refresh) and
    /// writes lost because Redis failed (`SessionStore`).
    public let sessionWrites = Counter()
    public let sessionWriteFailures = Counter()
    /// The third leg of a price's way: from the tick's `timestamp` to the last write of
    /// its messages on a loop (handed to the kernel).
    public let publishLatency = Histogram(bounds: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5])
    /// The first leg: the source's `quote_time` to the leader's write to Redis
    /// (`ingest_time`), per quote sent. A delayed feed or a slow pull shows here.
    public let sourceToIngest = Histogram(bounds: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900])
    /// The second leg: `ingest_time` to the tick's `timestamp` on this instance, per quote.
    public let ingestToPublish = Histogram(bounds: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5])
    /// Quotes stale now (a gauge), and the flips either way since start.
    public let staleQuotes = Counter()
    public let wentStale = Counter()
    public let recovered = Counter()
    public let notifications = NotificationMetrics()
    /// The task streams' figures.
    public let tasks = TaskMetrics()
    private let lastTickInfo = Mutex<LastTick?>(nil)

    public init() {}

    public struct LastTick: Sendable {
        public var tick: Int64
        public var timestamp: Int64
        public var quotes: Int
        public var changed: Int
    }

    public func recordTick(_ info: LastTick) {
        lastTickInfo.withLock { $0 = info }
    }

    public var lastTick: LastTick? { lastTickInfo.withLock { $0 } }
}
