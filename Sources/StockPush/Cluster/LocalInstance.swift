import JSON
import Reactor
import Synchronization
import Time

/// This instance as the cluster sees it: its id, where it listens, since when, and
/// whether it leads the scheduler. The address and the leader question are known only
/// once the server and the scheduler run, so they are set late.
public final class LocalInstance: Sendable {
    public let id: String
    public let startedAt: Int64
    private let state = Mutex<(address: String, leader: @Sendable () -> Bool)>(("", { false }))

    public init(id: String, startedAt: Int64 = WallClock.nowMicroseconds()) {
        self.id = id
        self.startedAt = startedAt
    }

    public func setAddress(_ address: String) { state.withLock { $0.address = address } }
    public func setLeader(_ leader: @escaping @Sendable () -> Bool) { state.withLock { $0.leader = leader } }

    public var address: String { state.withLock { $0.address } }
    public var isLeader: Bool { state.withLock { $0.leader }() }

    /// The figures published to `P:instance:<id>` and listed in `instances`:
    /// {"id","address","started","connections","subscriptions","messages_per_second","leader","last_tick"}.
    func figures(connections: Int, subscriptions: Int, messagesPerSecond: Int, lastTick: Int64?) -> JSONValue {
        .object([
            ("id", .string(id)), ("address", .string(address)),
            ("started", .string(Timestamp.iso8601(microsecondsSinceEpoch: startedAt))),
            ("connections", .number(Double(connections))), ("subscriptions", .number(Double(subscriptions))),
            ("messages_per_second", .number(Double(messagesPerSecond))),
            ("leader", .bool(isLeader)),
            ("last_tick", lastTick.map { .number(Double($0)) } ?? .null),
        ])
    }
}
