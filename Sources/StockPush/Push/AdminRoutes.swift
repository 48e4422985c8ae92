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
enum AdminRoutes {
    static func install(
        into routes: inout Routes, shared: PushShared, audit: AuditLog?, server: @escaping @Sendable () -> HTTPServer?
    ) {
        let loops: @Sendable () -> [EventLoopHandle] = { server()?.loops ?? [] }

        routes.addAsync(.get, "/api/websocket/stats") { request, _, responder in
            guard authorized(request, shared, responder) else { return }
            ClusterQuery.gather(
                loops(),
                { loop in
                    loop.attached(LoopPush.self).map { push in
                        LoopSummary(
                            sessions: push.core.clientCount, subscriptions: push.core.subscriptionCounts,
                            messages: push.core.stats.messagesSent, perSecond: push.core.stats.messagesLastSecond,
                            opened: push.core.stats.connectionsOpened)
                    } ?? LoopSummary()
                }
            ) { summaries in
                responder.complete(.json(.ok, statsJSON(summaries, shared: shared)))
            }
        }

        routes.addAsync(.get, "/api/websocket/clients") { request, _, responder in
            guard authorized(request, shared, responder) else { return }
            ClusterQuery.gather(loops(), { loop in clientsJSON(loop) }) { parts in
                let clients = parts.flatMap { $0 }
                responder.complete(AdminResponses.clients(clients))
            }
        }

        routes.addAsync(.delete, "/api/websocket/clients/{client_id}") { request, context, responder in
            guard authorized(request, shared, responder) else { return }
            let clientID = context.parameters["client_id"] ?? ""
            ClusterQuery.gather(loops(), { loop in loop.attached(LoopPush.self)?.disconnect(clientID: clientID) ?? false }) {
                found in
                if found.contains(true) {
                    var detail = AuditDetail()
                    detail.add("client_id", text: clientID)
                    audit?.record("disconnect", detail: detail.json())
                    responder.complete(AdminResponses.disconnected())
                } else {
                    responder.complete(.error(.notFound, code: "not_found", message: "no client \(clientID)"))
                }
            }
        }

        routes.addAsync(.post, "/api/websocket/broadcast/test") { request, _, responder in
            guard authorized(request, shared, responder) else { return }
            var message = "broadcast test"
            if !request.body.isEmpty {
                guard let body = try? JSONParser.parse(request.body), body.objectValue != nil else {
                    return responder.complete(
                        .error(.badRequest, code: "invalid_json", message: "the body must be a JSON object"))
                }
                if let value = body["message"] {
                    guard let text = value.stringValue else {
                        return responder.complete(
                            .error(.badRequest, code: "invalid_message", message: "message must be a string"))
                    }
                    message = text
                }
            }
            let sentMessage = message
            let json = ServerMessage.broadcast(
                data: .object([(key: "message", value: .string(message))]), timestamp: WallClock.nowMicroseconds())
            let frame = FrameEncoder.sharedFrame(opcode: .text, payload: json)
            ClusterQuery.gather(loops(), { loop in loop.attached(LoopPush.self)?.broadcast(frame) ?? 0 }) { counts in
                var detail = AuditDetail()
                detail.add("message", text: sentMessage)
                detail.add("sent", counts.reduce(0, +))
                audit?.record("broadcast", detail: detail.json())
                responder.complete(AdminResponses.counts(["sent": counts.reduce(0, +)]))
            }
        }

        routes.addAsync(.post, "/api/websocket/push/prices") { request, _, responder in
            guard authorized(request, shared, responder) else { return }
            let catalog = shared.catalog
            var codes = Set<String>()
            var targeted = false
            for item in request.queryItems {
                guard let type = SubscriptionType(rawValue: item.name) else {
                    return responder.complete(
                        .error(
                            .badRequest, code: "invalid_parameter",
                            message: "unknown parameter \(item.name); use strategy, stock or market"))
                }
                targeted = true
                guard let resolved = try? catalog.resolve(SubscriptionKey(type, item.value)) else {
                    return responder.complete(
                        .error(.notFound, code: "unknown_target", message: "unknown \(type.rawValue) '\(item.value)'"))
                }
                codes.formUnion(resolved)
            }
            if !targeted { codes = Set(catalog.activeStocks.map(\.code)) }
            let board = shared.board
            let known = codes.filter { board.fragments[$0] != nil }
            let timestamp = WallClock.nowMicroseconds()
            ClusterQuery.gather(loops(), { loop in loop.attached(LoopPush.self)?.push(codes: known, timestamp: timestamp) ?? 0 })
            { counts in
                var detail = AuditDetail()
                detail.add("query", text: request.query ?? "")
                detail.add("clients", counts.reduce(0, +))
                detail.add("quotes", known.count)
                audit?.record("push_prices", detail: detail.json())
                responder.complete(AdminResponses.counts(["clients": counts.reduce(0, +), "quotes": known.count]))
            }
        }
    }

    /// With ADMIN_TOKEN set, `Authorization: Bearer <token>` is required (compared through
    /// SHA-256 digests in constant time, so neither the token nor its length leaks).
    static func authorized(_ request: HTTPRequest, _ shared: PushShared, _ responder: HTTPResponder) -> Bool {
        if isAuthorized(request, token: shared.configuration.adminToken) { return true }
        responder.complete(
            .error(
                .unauthorized, code: "unauthorized", message: "missing or wrong admin token (Authorization: Bearer <ADMIN_TOKEN>)"
            ))
        return false
    }

    static func isAuthorized(_ request: HTTPRequest, token: String?) -> Bool {
        guard let token else { return true }
        guard let credential = request.bearerCredential else { return false }
        return HMAC.secretsEqual(credential.utf8, token.utf8)
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
            guard let connection = push.sessions[client.id.slot]?.connection, connection.isWebSocketOpen else { continue }
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
