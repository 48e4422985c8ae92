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
/// The admin routes that act on clients: disconnect, broadcast, manual price push. Each
/// reaches every loop and writes one audit row.
extension AdminRoutes {
    static func disconnect(_ clientID: String, _ responder: HTTPResponder, _ context: Context) {
        ClusterQuery.gather(context.loops, { loop in loop.attached(LoopPush.self)?.disconnect(clientID: clientID) ?? false }) {
            found in
            guard found.contains(true) else {
                return responder.complete(.error(.notFound, code: "not_found", message: "no client \(clientID)"))
            }
            var detail = AuditDetail()
            detail.add("client_id", text: clientID)
            context.audit?.record("disconnect", detail: detail.json())
            responder.complete(AdminResponses.disconnected())
        }
    }

    static func broadcast(_ request: HTTPRequest, _ responder: HTTPResponder, _ context: Context) {
        var message = "broadcast test"
        if !request.body.isEmpty {
            guard let body = try? JSONParser.parse(request.body), body.objectValue != nil else {
                return responder.complete(.error(.badRequest, code: "invalid_json", message: "the body must be a JSON object"))
            }
            if let value = body["message"] {
                guard let text = value.stringValue else {
                    return responder.complete(.error(.badRequest, code: "invalid_message", message: "message must be a string"))
                }
                message = text
            }
        }
        let sentMessage = message
        let json = ServerMessage.broadcast(
            data: .object([(key: "message", value: .string(message))]), timestamp: WallClock.nowMicroseconds())
        let frame = FrameEncoder.sharedFrame(opcode: .text, payload: json)
        ClusterQuery.gather(context.loops, { loop in loop.attached(LoopPush.self)?.broadcast(frame) ?? 0 }) { counts in
            var detail = AuditDetail()
            detail.add("message", text: sentMessage)
            detail.add("sent", counts.reduce(0, +))
            context.audit?.record("broadcast", detail: detail.json())
            responder.complete(AdminResponses.counts(["sent": counts.reduce(0, +)]))
        }
    }

    static func pushPrices(_ request: HTTPRequest, _ responder: HTTPResponder, _ context: Context) {
        let catalog = context.shared.catalog
        var codes = Set<String>()
        var targeted = false
        for item in request.queryItems {
            guard let type = SubscriptionType(rawValue: item.name) else {
                let message = "unknown parameter \(item.name); use strategy, stock or market"
                return responder.complete(.error(.badRequest, code: "invalid_parameter", message: message))
            }
            targeted = true
            guard let resolved = try? catalog.resolve(SubscriptionKey(type, item.value)) else {
                let message = "unknown \(type.rawValue) '\(item.value)'"
                return responder.complete(.error(.notFound, code: "unknown_target", message: message))
            }
            codes.formUnion(resolved)
        }
        if !targeted { codes = Set(catalog.activeStocks.map(\.code)) }
        let board = context.shared.board
        let known = codes.filter { board.fragments[$0] != nil }
        let timestamp = WallClock.nowMicroseconds()
        ClusterQuery.gather(
            context.loops, { loop in loop.attached(LoopPush.self)?.push(codes: known, timestamp: timestamp) ?? 0 }
        ) { counts in
            var detail = AuditDetail()
            detail.add("query", text: request.query ?? "")
            detail.add("clients", counts.reduce(0, +))
            detail.add("quotes", known.count)
            context.audit?.record("push_prices", detail: detail.json())
            responder.complete(AdminResponses.counts(["clients": counts.reduce(0, +), "quotes": known.count]))
        }
    }
}
