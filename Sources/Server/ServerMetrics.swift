import Telemetry

/// Counters of the networking core, shared by all loops.
public final class ServerMetrics: Sendable {
    public let connectionsAccepted = Counter()
    public let connectionsRejected = Counter()
    public let activeConnections = Counter()
    public let activeWebSockets = Counter()
    public let webSocketsOpened = Counter()
    public let httpRequests = Counter()
    public let httpErrors = Counter()
    public let handshakeFailures = Counter()
    public let protocolErrors = Counter()
    public let heartbeatTimeouts = Counter()
    public let webSocketMessagesReceived = Counter()
    public let slowConsumerCloses = Counter()
    /// Requests answered 408 at the header timeout: slow clients, or a loop too slow to
    /// read what they sent (issue 15's lost connections were these, counted nowhere).
    public let requestTimeouts = Counter()
    public init() {}
}
