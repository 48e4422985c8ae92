import HTTP1
import JSON
import Postgres
import Reactor
import Server

/// `POST /api/notifications` (service or admin token): resolve the recipients (a group's
/// members from PostgreSQL, "everyone" from Redis), queue the notification for each in
/// Redis, then deliver it live on every instance (`notify` on the control channel). The
/// answer counts what was queued and who got it live; with Redis down nothing was queued
/// and it says 503.
extension AdminRoutes {
    static func sendNotification(_ request: HTTPRequest, _ responder: HTTPResponder, _ context: Context) {
        guard let service = context.notifications else { return responder.complete(notificationsAbsent) }
        let parsed: NotificationRequest
        do {
            guard let json = try? JSONParser.parse(request.body) else {
                return responder.complete(.error(.badRequest, code: "invalid_json", message: "the body must be a JSON object"))
            }
            parsed = try NotificationRequest(json: json)
        } catch {
            return responder.complete(.error(.badRequest, code: "invalid_notification", message: error.description))
        }
        let body = parsed.notification(at: WallClock.nowMicroseconds()).body
        let send: @Sendable ([String]) -> Void = { users in
            deliverNotification(body, to: users, parsed, responder, context, service)
        }
        switch parsed.target {
        case .users(let users):
            send(users)
        case .everyone:
            service.everyone { result in
                switch result {
                case .success(let users): send(users)
                case .failure(let error): responder.complete(redisUnavailable(error))
                }
            }
        case .group(let name):
            guard let database = context.database else {
                return responder.complete(
                    .error(.serviceUnavailable, code: "database_unavailable", message: "this server runs without PostgreSQL"))
            }
            database.submit({ connection throws(PostgresError) in
                try GroupRepository.members(connection, name: name, after: "", limit: maxGroupRecipients)
            }) { result in
                switch result {
                case .success(let page?): send(page.members.map(\.user))
                case .success(nil): responder.complete(unknownGroup(name))
                case .failure(let error):
                    responder.complete(.error(.serviceUnavailable, code: "database_unavailable", message: "\(error)"))
                }
            }
        }
    }

    /// The largest group a notification reaches in one send.
    static let maxGroupRecipients = 100_000

    private static func deliverNotification(
        _ body: [UInt8], to users: [String], _ request: NotificationRequest, _ responder: HTTPResponder, _ context: Context,
        _ service: NotificationService
    ) {
        service.enqueue(body, users: users) { result in
            let queued: [NotificationService.Queued]
            switch result {
            case .success(let value): queued = value
            case .failure(let error): return responder.complete(redisUnavailable(error))
            }
            let delivery = NotificationDelivery(body: body, deliveries: queued.map { ($0.user, $0.id) })
            context.ask(.notify, delivery.json) { answer in
                var reached = Set<String>()
                for reply in answer.replies {
                    for user in reply.body["users"]?.arrayValue ?? [] { if let name = user.stringValue { reached.insert(name) } }
                }
                let connections = answer.replies.reduce(0) { $0 + ($1.body["connections"]?.intValue ?? 0) }
                var detail = AuditDetail()
                detail.add("title", text: request.title)
                detail.add("users", list: queued.map(\.user))
                detail.add("delivered_live", reached.count)
                context.audit?.record("notify", detail: detail.json())
                var writer = JSONWriter()
                writer.beginObject()
                if queued.count == 1 {
                    writer.key("id")
                    writer.string(queued[0].id)
                }
                for (key, value) in [
                    ("users", queued.count), ("delivered_live", reached.count), ("queued", queued.count - reached.count),
                    ("connections", connections), ("dropped", queued.reduce(0) { $0 + $1.dropped }),
                ] {
                    writer.key(escaping: key)
                    writer.int(value)
                }
                writer.key("per_instance")
                writer.beginObject()
                for reply in answer.replies {
                    writer.key(escaping: reply.instance)
                    writer.int(reply.body["connections"]?.intValue ?? 0)
                }
                writer.endObject()
                clusterFields(&writer, answer, context)
                writer.endObject()
                responder.complete(.json(.ok, writer))
            }
        }
    }

    static func redisUnavailable(_ error: RedisJobError) -> HTTPResponse {
        .error(.serviceUnavailable, code: "redis_unavailable", message: "the notification store is unavailable: \(error)")
    }

    static let notificationsAbsent = HTTPResponse.error(
        .serviceUnavailable, code: "notifications_unavailable",
        message: "this server runs without Redis, so without notifications")
}
