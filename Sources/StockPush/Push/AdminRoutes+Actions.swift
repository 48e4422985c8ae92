import HTTP1
import JSON
import Market
import PushProtocol
import Server
import Telemetry

/// The admin routes that act on clients: disconnect, broadcast, manual price push.
/// Each reaches every live instance (the control channel), reports what each did, and
/// writes one audit row, here, for the whole action.
extension AdminRoutes {
    /// A client id names its instance, so the request goes to that instance alone.
    static func disconnect(_ clientID: String, addr: String, _ responder: HTTPResponder, _ context: Context) {
        guard let holder = ClientPosition(clientID: clientID)?.instance else {
            return responder.complete(.error(.notFound, code: "not_found", message: "no client \(clientID)"))
        }
        context.ask(.disconnect, .object([("client_id", .string(clientID))]), only: holder) { answer in
            let found = answer.replies.contains(where: { $0.body["found"]?.boolValue == true })
            AdminLog.action("disconnect", targets: clientID, reached: found ? 1 : 0, answer, context: context, addr: addr)
            guard found else {
                let why = answer.missing.isEmpty ? "" : " (instance \(holder) did not answer)"
                return responder.complete(.error(.notFound, code: "not_found", message: "no client \(clientID)\(why)"))
            }
            var detail = AuditDetail()
            detail.add("client_id", text: clientID)
            context.audit?.record("disconnect", detail: detail.json())
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("disconnected")
            writer.bool(true)
            clusterFields(&writer, answer, context)
            writer.endObject()
            responder.complete(.json(.ok, writer))
        }
    }

    static func broadcast(_ request: HTTPRequest, addr: String, _ responder: HTTPResponder, _ context: Context) {
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
        context.ask(.broadcast, .object([("message", .string(message))])) { answer in
            let sent = answer.replies.reduce(0) { $0 + ($1.body["sent"]?.intValue ?? 0) }
            AdminLog.action(
                "broadcast", targets: "all", reached: sent, answer, context: context, addr: addr,
                extra: [LogField("message_bytes", sentMessage.utf8.count)])
            var detail = AuditDetail()
            detail.add("message", text: sentMessage)
            detail.add("sent", sent)
            context.audit?.record("broadcast", detail: detail.json())
            responder.complete(actionAnswer(("sent", sent), field: "sent", answer, context))
        }
    }

    static func pushPrices(_ request: HTTPRequest, addr: String, _ responder: HTTPResponder, _ context: Context) {
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
        let quotes = codes.filter { board.fragments[$0] != nil }.count
        let body: JSONValue = .object([("codes", .array(codes.sorted().map { .string($0) }))])
        context.ask(.push, body) { answer in
            let clients = answer.replies.reduce(0) { $0 + ($1.body["clients"]?.intValue ?? 0) }
            AdminLog.action(
                "push_prices", targets: request.query.flatMap { $0.isEmpty ? nil : $0 } ?? "all", reached: clients, answer,
                context: context, addr: addr, extra: [LogField("quotes", quotes)])
            var detail = AuditDetail()
            detail.add("query", text: request.query ?? "")
            detail.add("clients", clients)
            detail.add("quotes", quotes)
            context.audit?.record("push_prices", detail: detail.json())
            responder.complete(actionAnswer(("clients", clients), ("quotes", quotes), field: "clients", answer, context))
        }
    }

    /// `{<counts>,"per_instance":{"<id>":N,...},"instance",...,"cluster_available"}`.
    static func actionAnswer(
        _ counts: (StaticString, Int)..., field: String, _ answer: ClusterBus.Answer, _ context: Context
    ) -> HTTPResponse {
        var writer = JSONWriter()
        writer.beginObject()
        for (key, value) in counts {
            writer.key(key)
            writer.int(value)
        }
        writer.key("per_instance")
        writer.beginObject()
        for reply in answer.replies {
            writer.key(escaping: reply.instance)
            writer.int(reply.body[field]?.intValue ?? 0)
        }
        writer.endObject()
        clusterFields(&writer, answer, context)
        writer.endObject()
        return .json(.ok, writer)
    }
}
