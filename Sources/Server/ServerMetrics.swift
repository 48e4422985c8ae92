import Synchronization

/// A process-wide counter. Relaxed atomics: each increment is independent and
/// readers only need an eventually consistent total.
public final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    public init() {}
    @inline(__always) public func add(_ amount: Int) { value.add(amount, ordering: .relaxed) }
    public var current: Int { value.load(ordering: .relaxed) }
}

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
    public init() {}
}
