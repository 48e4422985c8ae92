import HTTP1
import JSON
import PushProtocol
import Reactor
import Server
import Time

/// The admin routes that report: stats, `/api/ws/stats` and the client list, over
/// every live instance of the cluster.
extension AdminRoutes {
    static func stats(_ responder: HTTPResponder, _ context: Context) {
        context.ask(.stats) { answer in
            responder.complete(.json(.ok, statsJSON(answer, context: context)))
        }
    }

    /// The summed counts of every instance that answered.
    static func totals(_ answer: ClusterBus.Answer) -> StatsTotals {
        StatsTotals.sum(answer.replies.map { (instance: $0.instance, stats: StatsTotals(body: $0.body["stats"] ?? .null)) })
    }

    static func statsJSON(_ answer: ClusterBus.Answer, context: Context) -> String {
        let shared = context.shared
        let totals = totals(answer)
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("active_connections")
        writer.int(totals.connections)
        writer.key("total_connections")
        writer.int(totals.opened)
        writer.key("total_messages")
        writer.int(totals.messages)
        writer.key("messages_per_second")
        writer.int(totals.messagesPerSecond)
        writer.key("subscriptions")
        writer.value(StatsTotals.object(totals.subscriptions))
        writer.key("users")
        writer.value(StatsTotals.object(totals.users))
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
        writer.markets(shared.marketStates())
        writer.key("instances")
        writer.beginArray()
        var figures = answer.replies.map { ($0.instance, $0.body["figures"] ?? .object([("id", .string($0.instance))])) }
        figures += answer.missing.map { ($0, context.cluster?.registry.figures(of: $0) ?? .object([("id", .string($0))])) }
        for (_, value) in figures.sorted(by: { $0.0 < $1.0 }) { writer.value(value) }
        writer.endArray()
        clusterFields(&writer, answer, context)
        writer.endObject()
        return String(decoding: writer.buffer.readableBytesArray, as: UTF8.self)
    }

    /// `GET /api/ws/stats`: users and their connections over the cluster.
    static func userStats(_ responder: HTTPResponder, _ context: Context) {
        context.ask(.stats) { answer in
            let totals = totals(answer)
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("total_users")
            writer.int(totals.users.count)
            writer.key("total_connections")
            writer.int(totals.connections)
            writer.key("users")
            writer.beginArray()
            for (user, count) in totals.users.sorted(by: { $0.key < $1.key }) {
                writer.beginObject()
                writer.key("user_id")
                writer.string(user)
                writer.key("connections")
                writer.int(count)
                writer.key("instances")
                writer.value(StatsTotals.object(totals.usersByInstance[user] ?? [:]))
                writer.endObject()
            }
            writer.endArray()
            clusterFields(&writer, answer, context)
            writer.endObject()
            responder.complete(.json(.ok, writer))
        }
    }

    static func clients(_ request: HTTPRequest, _ responder: HTTPResponder, _ context: Context) {
        let filter: ClientFilter
        do {
            filter = try ClientFilter(query: request.queryItems)
        } catch {
            guard case .invalid(let message) = error else { return }
            return responder.complete(.error(.badRequest, code: "invalid_parameter", message: message))
        }
        context.ask(.clients, filter.body, only: filter.instance) { answer in
            var total = 0
            let parts = answer.replies.map { reply -> (items: [(position: ClientPosition, item: JSONValue)], more: Bool) in
                total += reply.body["total"]?.intValue ?? 0
                let items = (reply.body["clients"]?.arrayValue ?? []).map { client in
                    (
                        position: ClientPosition(clientID: client["client_id"]?.stringValue ?? "")
                            ?? ClientPosition(instance: reply.instance, counter: 0), item: client
                    )
                }
                return (items, reply.body["more"]?.boolValue ?? false)
            }
            let page = ClientPage.merge(parts, limit: filter.limit)
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("count")
            writer.int(page.items.count)
            writer.key("clients")
            writer.beginArray()
            for entry in page.items { writer.value(entry.item) }
            writer.endArray()
            writer.key("total")
            writer.int(total)
            writer.key("next_cursor")
            if let next = page.next { writer.string(next.clientID) } else { writer.null() }
            clusterFields(&writer, answer, context)
            writer.endObject()
            responder.complete(.json(.ok, writer))
        }
    }

    /// What every cluster answer ends with: who asked, who answered, who did not, and
    /// whether Redis carried the request at all.
    static func clusterFields(_ writer: inout JSONWriter, _ answer: ClusterBus.Answer, _ context: Context) {
        writer.key("instance")
        writer.string(context.local.instance.id)
        writer.key("covered")
        writer.beginArray()
        for reply in answer.replies { writer.string(reply.instance) }
        writer.endArray()
        writer.key("missing")
        writer.beginArray()
        for id in answer.missing { writer.string(id) }
        writer.endArray()
        writer.key("cluster_available")
        writer.bool(answer.available)
    }
}
