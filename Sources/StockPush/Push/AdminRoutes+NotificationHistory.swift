import HTTP1
import JSON
import PushProtocol
import Reactor
import Server

/// The notification routes: sending (`AdminRoutes+Notify`), a user's history and read
/// marks. History and marks answer a producer (service or admin token, naming `user`)
/// or the user themselves (their JWT as the Bearer token: their own notifications only).
extension AdminRoutes {
    static func installNotifications(into routes: inout Routes, _ context: Context) {
        let shared = context.shared
        routes.addAsync(.post, "/api/notifications") { request, _, responder in
            guard serviceAuthorized(request, shared, responder) else { return }
            sendNotification(request, responder, context)
        }
        routes.addAsync(.get, "/api/notifications") { request, _, responder in
            history(request, responder, context)
        }
        routes.addAsync(.post, "/api/notifications/{id}/read") { request, requestContext, responder in
            markRead(requestContext.parameters["id"] ?? "", request, responder, context)
        }
    }

    static func history(_ request: HTTPRequest, _ responder: HTTPResponder, _ context: Context) {
        var named: String?
        var limit = 50
        var before: String?
        for item in request.queryItems {
            switch item.name {
            case "user": named = item.value
            case "limit":
                guard let value = Int(item.value), (1...200).contains(value) else {
                    return responder.complete(invalidParameter("limit must be 1 to 200"))
                }
                limit = value
            case "before":
                guard NotificationID.isValid(item.value) else {
                    return responder.complete(invalidParameter("before must be a notification id"))
                }
                before = item.value
            default:
                return responder.complete(invalidParameter("unknown parameter \(item.name); use user, limit, before"))
            }
        }
        guard let user = notificationUser(request, named: named, responder, context.shared) else { return }
        guard let service = context.notifications else { return responder.complete(notificationsAbsent) }
        service.history(user: user, before: before, limit: limit) { result in
            switch result {
            case .failure(let error): responder.complete(redisUnavailable(error))
            case .success(let page): responder.complete(.json(.ok, historyJSON(user: user, page)))
            }
        }
    }

    static func historyJSON(user: String, _ page: NotificationStore.HistoryPage) -> JSONWriter {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("user")
        writer.string(user)
        writer.key("total")
        writer.int(page.total)
        writer.key("unread")
        writer.int(page.unread)
        writer.key("notifications")
        writer.beginArray()
        for entry in page.entries {
            var data: [UInt8] = []
            ServerMessage.appendNotificationData(id: entry.id, body: entry.body, read: entry.read, to: &data)
            data.withUnsafeBytes { writer.raw($0) }
        }
        writer.endArray()
        writer.key("next")
        if let next = page.next { writer.string(next) } else { writer.null() }
        writer.endObject()
        return writer
    }

    static func markRead(_ id: String, _ request: HTTPRequest, _ responder: HTTPResponder, _ context: Context) {
        guard NotificationID.isValid(id) else {
            return responder.complete(invalidParameter("\(id) is not a notification id"))
        }
        var named = request.queryItems.first { $0.name == "user" }?.value
        if named == nil, !request.body.isEmpty {
            guard let body = try? JSONParser.parse(request.body), body.objectValue != nil else {
                return responder.complete(.error(.badRequest, code: "invalid_json", message: "the body must be a JSON object"))
            }
            named = body["user"]?.stringValue
        }
        guard let user = notificationUser(request, named: named, responder, context.shared) else { return }
        guard let service = context.notifications else { return responder.complete(notificationsAbsent) }
        service.markRead(id, user: user) { result in
            switch result {
            case .failure(let error): responder.complete(redisUnavailable(error))
            case .success(nil):
                responder.complete(.error(.notFound, code: "not_found", message: "no notification \(id) for \(user)"))
            case .success(let wasUnread?):
                var writer = JSONWriter()
                writer.beginObject()
                writer.key("id")
                writer.string(id)
                writer.key("status")
                writer.string("read")
                writer.key("changed")
                writer.bool(wasUnread)
                writer.endObject()
                responder.complete(.json(.ok, writer))
            }
        }
    }

    /// Whose notifications a request may see: a user's own JWT names them (and may not
    /// name another); a producer's token needs `user`. Nil after answering the refusal.
    static func notificationUser(
        _ request: HTTPRequest, named: String?, _ responder: HTTPResponder, _ shared: PushShared
    ) -> String? {
        if let verifier = shared.verifier, let token = request.bearerCredential,
            case .success(let claims) = verifier.verify(String(token), now: WallClock.nowMicroseconds() / 1_000_000)
        {
            guard named == nil || named == claims.subject else {
                responder.complete(
                    .error(.forbidden, code: "forbidden", message: "a user's token reads only their own notifications"))
                return nil
            }
            return claims.subject
        }
        guard serviceAuthorized(request, shared, responder) else { return nil }
        guard let named else {
            responder.complete(invalidParameter("user is required (or use the user's own token)"))
            return nil
        }
        guard GroupRepository.isValidUser(named) else {
            responder.complete(invalidUser(named))
            return nil
        }
        return named
    }
}
