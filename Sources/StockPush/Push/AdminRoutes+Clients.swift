import JSON
import Reactor
import Server
import Time

extension AdminRoutes {
    /// This loop's clients that pass `filter`, as JSON objects with their place in the
    /// cluster-wide order (built on the loop, so the data is consistent). Clients
    /// already closing are not listed.
    static func clientEntries(
        _ loop: EventLoop, filter: ClientFilter, instance: String
    ) -> [(position: ClientPosition, item: JSONValue)] {
        guard let push = loop.attached(LoopPush.self) else { return [] }
        let nowMono = MonotonicClock.now()
        let nowWall = Double(WallClock.nowMicroseconds()) / 1e6
        var result: [(position: ClientPosition, item: JSONValue)] = []
        for client in push.core.clientSummaries {
            guard let connection = push.connections[client.id.slot], connection.isWebSocketOpen else { continue }
            let keys = client.subscriptions.map(\.description)
            guard filter.matches(user: client.info.user, instance: instance, subscriptions: keys) else { continue }
            let lastPong: JSONValue =
                connection.lastPongAt.map { .number(milliseconds(nowWall - Double(nowMono &- $0) / 1e9)) } ?? .null
            let item: JSONValue = .object([
                ("client_id", .string(client.info.clientID)), ("user", .string(client.info.user)),
                ("remote_addr", .string(client.info.remoteAddress)),
                ("connected_at", .number(milliseconds(Double(client.info.connectedAt) / 1e6))), ("last_pong", lastPong),
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
            let position =
                ClientPosition(clientID: client.info.clientID)
                ?? ClientPosition(instance: instance, counter: UInt64(result.count))
            result.append((position, item))
        }
        return result
    }

    /// Epoch seconds with millisecond decimals, as the contract shows them.
    private static func milliseconds(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }
}
