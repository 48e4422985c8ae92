import JSON
import PushCore
import Reactor
import Server
import Time

extension AdminRoutes {
    /// One loop's part of a client page: how many of its clients pass the filter, and
    /// the first `limit` of them after the cursor as JSON objects with their place in
    /// the cluster-wide order (built on the loop, so the data is consistent; only those
    /// few are written out). Clients already closing are not listed.
    struct LoopClients: Sendable {
        var matching = 0
        var entries: [(position: ClientPosition, item: JSONValue)] = []
    }

    static func clientEntries(_ loop: EventLoop, filter: ClientFilter, instance: String) -> LoopClients {
        guard let push = loop.attached(LoopPush.self) else { return LoopClients() }
        let nowMono = MonotonicClock.now()
        let nowWall = Double(WallClock.nowMicroseconds()) / 1e6
        var part = LoopClients()
        var candidates: [(position: ClientPosition, client: PushCore.ClientSummary)] = []
        for client in push.core.clientSummaries {
            guard let connection = push.connections[client.id.slot], connection.isWebSocketOpen else { continue }
            let keys = client.subscriptions.map(\.description)
            guard filter.matches(user: client.info.user, instance: instance, subscriptions: keys) else { continue }
            part.matching += 1
            let position = ClientPosition(instance: client.info.instance, counter: client.info.connection)
            if let cursor = filter.cursor, position <= cursor { continue }
            candidates.append((position, client))
        }
        candidates.sort { $0.position < $1.position }
        for (position, client) in candidates.prefix(filter.limit + 1) {
            guard let connection = push.connections[client.id.slot] else { continue }
            let heartbeat = connection.heartbeat
            func wallTime(_ monotonic: UInt64?) -> JSONValue {
                monotonic.map { .number(milliseconds(nowWall - Double(nowMono &- $0) / 1e9)) } ?? .null
            }
            let item: JSONValue = .object([
                ("client_id", .string(client.info.clientID)), ("user", .string(client.info.user)),
                ("remote_addr", .string(client.info.remoteAddress)),
                ("connected_at", .number(milliseconds(Double(client.info.connectedAt) / 1e6))),
                ("last_ping", wallTime(heartbeat.lastPing)), ("last_pong", wallTime(heartbeat.lastPong)),
                ("rtt_ms", heartbeat.roundTripMicros.map { .number(Double($0) / 1000) } ?? .null),
                ("missed_pongs", .number(Double(heartbeat.missedPongs))),
                (
                    "subscriptions",
                    .array(
                        client.subscriptions.map {
                            .object([("subscription_type", .string($0.type.rawValue)), ("target", .string($0.target))])
                        })
                ),
                ("message_count", .number(Double(client.messagesSent))),
                ("queued_bytes", .number(Double(connection.queuedBytes))),
                ("conflated", .number(Double(client.conflated))), ("seq", .number(Double(client.seq))),
                ("instance", .string(instance)),
            ])
            part.entries.append((position, item))
        }
        return part
    }

    /// Epoch seconds with millisecond decimals, as the contract shows them.
    private static func milliseconds(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }
}
