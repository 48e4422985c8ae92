import JSON
import PushCore
import PushProtocol

/// A price-stream client's notification requests, handed to the loop's `LoopNotify`
/// (absent without Redis: then they are answered `notifications_unavailable`).
extension LoopPush {
    func notifications(_ id: ClientID, subscribe: Bool, requestID: JSONValue?) {
        guard let connection = connections[id.slot], let user = core.info(of: id)?.user else { return }
        guard let notify = loop.attached(LoopNotify.self) else {
            return connection.send(textBytes: ServerMessage.error(Self.noNotifications(requestID)))
        }
        if subscribe {
            connection.send(textBytes: ServerMessage.notificationsSubscribed(id: requestID))
            notify.start(connection, user: user)
        } else {
            notify.stop(connection.id)
            connection.send(textBytes: ServerMessage.notificationsUnsubscribed(id: requestID))
        }
    }

    func acknowledge(_ id: ClientID, ids: [String], requestID: JSONValue?) {
        guard let connection = connections[id.slot], let user = core.info(of: id)?.user else { return }
        guard let notify = loop.attached(LoopNotify.self) else {
            return connection.send(textBytes: ServerMessage.error(Self.noNotifications(requestID)))
        }
        notify.acknowledge(ids, user: user, on: connection, requestID: requestID)
    }

    private static func noNotifications(_ requestID: JSONValue?) -> ProtocolError {
        ProtocolError(
            code: .notificationsUnavailable, message: "this server runs without Redis, so without notifications",
            id: requestID)
    }
}
