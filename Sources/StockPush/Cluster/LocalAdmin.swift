import JSON
import PushProtocol
import Reactor
import Server
import Time
import WebSocket

/// An admin operation carried out on this instance alone, on every loop, answering with
/// the reply body that goes back to the asker (or straight into the asker's own table
/// when it is this instance). Nothing blocks: the loops answer through `ClusterQuery`.
struct LocalAdmin: Sendable {
    let shared: PushShared
    let instance: LocalInstance
    let loops: @Sendable () -> [EventLoopHandle]

    func perform(
        _ operation: ControlMessage.Operation, _ body: JSONValue, completion: @escaping @Sendable (JSONValue) -> Void
    ) {
        switch operation {
        case .stats: stats(completion)
        case .clients: clients(ClientFilter(body: body), completion)
        case .broadcast: broadcast(body["message"]?.stringValue ?? "broadcast test", completion)
        case .push: push(Set((body["codes"]?.arrayValue ?? []).compactMap(\.stringValue)), completion)
        case .disconnect: disconnect(body["client_id"]?.stringValue ?? "", completion)
        case .notify: notify(NotificationDelivery(body: body), completion)
        }
    }

    /// `{"stats":{...},"figures":{...}}`: the counts to add up and this instance's figures.
    func stats(_ completion: @escaping @Sendable (JSONValue) -> Void) {
        let shared = shared
        let instance = instance
        ClusterQuery.gather(
            loops(),
            { loop in
                loop.attached(LoopPush.self).map { push in
                    var part = StatsTotals()
                    part.connections = push.core.clientCount
                    part.subscriptions = push.core.subscriptionCounts
                    part.messages = push.core.stats.messagesSent
                    part.messagesPerSecond = push.core.stats.messagesLastSecond
                    part.opened = push.core.stats.connectionsOpened
                    return part
                } ?? StatsTotals()
            }
        ) { parts in
            var totals = StatsTotals.sum(parts.map { (instance: instance.id, stats: $0) })
            totals.usersByInstance = [:]
            totals.users = shared.limits.users
            let figures = instance.figures(
                connections: totals.connections, subscriptions: totals.subscriptions.values.reduce(0, +),
                messagesPerSecond: totals.messagesPerSecond, lastTick: shared.metrics.lastTick?.tick)
            completion(.object([("stats", totals.body), ("figures", figures)]))
        }
    }

    /// This instance's figures alone, for the registry's heartbeat: cheaper than `stats`
    /// (no per-key subscription counts, no users).
    func figures(_ completion: @escaping @Sendable (JSONValue) -> Void) {
        let shared = shared
        let instance = instance
        ClusterQuery.gather(
            loops(),
            { loop in
                loop.attached(LoopPush.self).map { push in
                    (push.core.clientCount, push.core.subscriptionTotal, push.core.stats.messagesLastSecond)
                } ?? (0, 0, 0)
            }
        ) { parts in
            completion(
                instance.figures(
                    connections: parts.reduce(0) { $0 + $1.0 }, subscriptions: parts.reduce(0) { $0 + $1.1 },
                    messagesPerSecond: parts.reduce(0) { $0 + $1.2 }, lastTick: shared.metrics.lastTick?.tick))
        }
    }

    /// `{"total":N,"more":bool,"clients":[...]}`: this instance's part of a page.
    func clients(_ filter: ClientFilter, _ completion: @escaping @Sendable (JSONValue) -> Void) {
        let id = instance.id
        ClusterQuery.gather(loops(), { loop in AdminRoutes.clientEntries(loop, filter: filter, instance: id) }) { parts in
            let page = ClientPage.select(parts.flatMap(\.entries), after: filter.cursor, limit: filter.limit)
            completion(
                .object([
                    ("total", .number(Double(parts.reduce(0) { $0 + $1.matching }))), ("more", .bool(page.more)),
                    ("clients", .array(page.items.map(\.item))),
                ]))
        }
    }

    /// `{"sent":N}`.
    func broadcast(_ message: String, _ completion: @escaping @Sendable (JSONValue) -> Void) {
        let json = ServerMessage.broadcast(
            data: .object([(key: "message", value: .string(message))]), timestamp: WallClock.nowMicroseconds())
        let frame = FrameEncoder.sharedFrame(opcode: .text, payload: json)
        ClusterQuery.gather(loops(), { loop in loop.attached(LoopPush.self)?.broadcast(frame) ?? 0 }) { counts in
            completion(.object([("sent", .number(Double(counts.reduce(0, +))))]))
        }
    }

    /// `{"clients":N,"quotes":M}`: the codes this instance has quotes for go out.
    func push(_ codes: Set<String>, _ completion: @escaping @Sendable (JSONValue) -> Void) {
        let board = shared.board
        let known = codes.filter { board.fragments[$0] != nil }
        let timestamp = WallClock.nowMicroseconds()
        ClusterQuery.gather(
            loops(), { loop in loop.attached(LoopPush.self)?.push(codes: known, timestamp: timestamp) ?? 0 }
        ) { counts in
            completion(.object([("clients", .number(Double(counts.reduce(0, +)))), ("quotes", .number(Double(known.count)))]))
        }
    }

    /// `{"found":bool}`.
    func disconnect(_ clientID: String, _ completion: @escaping @Sendable (JSONValue) -> Void) {
        ClusterQuery.gather(loops(), { loop in loop.attached(LoopPush.self)?.disconnect(clientID: clientID) ?? false }) {
            found in
            completion(.object([("found", .bool(found.contains(true)))]))
        }
    }
}
