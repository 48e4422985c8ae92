import Digest
import HTTP1
import JSON
import Market
import PushCore
import PushProtocol
import Reactor
import Server
import Time
import WebSocket

/// The admin API of the contract: stats, clients, disconnect, broadcast, manual push.
/// Answers that need every loop are gathered asynchronously (`ClusterQuery`).
/// The admin routes that report: stats and the client list, gathered from every loop.
extension AdminRoutes {
    static func stats(_ responder: HTTPResponder, _ context: Context) {
        ClusterQuery.gather(
            context.loops,
            { loop in
                loop.attached(LoopPush.self).map { push in
                    LoopSummary(
                        sessions: push.core.clientCount, subscriptions: push.core.subscriptionCounts,
                        messages: push.core.stats.messagesSent, perSecond: push.core.stats.messagesLastSecond,
                        opened: push.core.stats.connectionsOpened)
                } ?? LoopSummary()
            }
        ) { summaries in
            responder.complete(.json(.ok, statsJSON(summaries, shared: context.shared)))
        }
    }

    static func clients(_ responder: HTTPResponder, _ context: Context) {
        ClusterQuery.gather(context.loops, { loop in clientsJSON(loop) }) { parts in
            responder.complete(AdminResponses.clients(parts.flatMap { $0 }))
        }
    }

    struct LoopSummary: Sendable {
        var sessions = 0
        var subscriptions: [String: Int] = [:]
        var messages = 0
        var perSecond = 0
        var opened = 0
    }

    static func statsJSON(_ summaries: [LoopSummary], shared: PushShared) -> String {
        var subscriptions: [String: Int] = [:]
        for summary in summaries {
            for (key, count) in summary.subscriptions { subscriptions[key, default: 0] += count }
        }
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("active_connections")
        writer.int(summaries.reduce(0) { $0 + $1.sessions })
        writer.key("total_connections")
        writer.int(summaries.reduce(0) { $0 + $1.opened })
        writer.key("total_messages")
        writer.int(summaries.reduce(0) { $0 + $1.messages })
        writer.key("messages_per_second")
        writer.int(summaries.reduce(0) { $0 + $1.perSecond })
        writer.key("subscriptions")
        writer.beginObject()
        for (key, count) in subscriptions.sorted(by: { $0.key < $1.key }) {
            writer.key(escaping: key)
            writer.int(count)
        }
        writer.endObject()
        writer.key("users")
        writer.beginObject()
        for (user, count) in shared.limits.users.sorted(by: { $0.key < $1.key }) {
            writer.key(escaping: user)
            writer.int(count)
        }
        writer.endObject()
        writer.key("is_running")
        writer.bool(shared.isRunning)
        writer.key("uptime_seconds")
        writer.double(Double(WallClock.nowMicroseconds() - shared.startedAt) / 1e6)
        writer.key("last_tick")
        if let tick = shared.metrics.lastTick {
            writer.beginObject()
            writer.key("tick")
            writer.int(Int(tick.tick))
            writer.key("timestamp")
            writer.string(Timestamp.iso8601(microsecondsSinceEpoch: tick.timestamp))
            writer.key("quotes")
            writer.int(tick.quotes)
            writer.key("changed")
            writer.int(tick.changed)
            writer.endObject()
        } else {
            writer.null()
        }
        writer.endObject()
        return String(decoding: writer.buffer.readableBytesArray, as: UTF8.self)
    }

    /// This loop's clients as JSON objects (built on the loop, so the data is consistent).
    /// Clients already closing are not listed.
    static func clientsJSON(_ loop: EventLoop) -> [String] {
        guard let push = loop.attached(LoopPush.self) else { return [] }
        let nowMono = MonotonicClock.now()
        let nowWall = Double(WallClock.nowMicroseconds()) / 1e6
        var result: [String] = []
        for client in push.core.clientSummaries {
            guard let connection = push.connections[client.id.slot], connection.isWebSocketOpen else { continue }
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("client_id")
            writer.string(client.info.clientID)
            writer.key("user")
            writer.string(client.info.user)
            writer.key("remote_addr")
            writer.string(client.info.remoteAddress)
            writer.key("connected_at")
            writer.fixed(Double(client.info.connectedAt) / 1e6, decimals: 3)
            writer.key("last_pong")
            if let pong = connection.lastPongAt {
                writer.fixed(nowWall - Double(nowMono &- pong) / 1e9, decimals: 3)
            } else {
                writer.null()
            }
            writer.key("subscriptions")
            writer.beginArray()
            for key in client.subscriptions {
                writer.beginObject()
                writer.key("subscription_type")
                writer.string(key.type.rawValue)
                writer.key("target")
                writer.string(key.target)
                writer.endObject()
            }
            writer.endArray()
            writer.key("message_count")
            writer.int(client.messagesSent)
            writer.key("queued_bytes")
            writer.int(connection.queuedBytes)
            writer.key("conflated")
            writer.int(client.conflated)
            writer.key("seq")
            writer.int(Int(client.seq))
            writer.endObject()
            result.append(String(decoding: writer.buffer.readableBytesArray, as: UTF8.self))
        }
        return result
    }
}
