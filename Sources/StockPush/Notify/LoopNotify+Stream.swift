import PushProtocol
import Reactor
import Server
import WebSocket

/// `LoopNotify` is the WebSocket handler of the notification stream's connections: a
/// `connected`, the user's queue, then live notifications and heartbeats. The client
/// sends `ack` (and `ping`); anything else gets an `error` and changes nothing.
extension LoopNotify: WebSocketHandler {
    func webSocketDidOpen(_ connection: Connection) {
        guard let client = arriving.removeValue(forKey: connection.id) else {
            connection.close(code: .internalError, reason: "connection opened without an upgrade")
            return
        }
        streams[connection.id] = client
        connection.send(
            textBytes: ServerMessage.connected(
                clientID: client.clientID, heartbeatInterval: Int(shared.heartbeatInterval.rounded()),
                timestamp: WallClock.nowMicroseconds()))
        shared.logger.info("notification stream opened: \(client.clientID) user \(client.user) from \(client.address)")
        start(connection, user: client.user)
    }

    func webSocket(_ connection: Connection, didReceive message: WebSocketMessage) {
        guard let client = streams[connection.id] else { return }
        guard case .text(let bytes) = message else {
            connection.close(code: .unsupportedData, reason: "binary messages are not accepted; send JSON text")
            return
        }
        switch RequestParser.parse(bytes) {
        case .failure(let error):
            connection.send(textBytes: ServerMessage.error(error))
        case .success(let parsed):
            switch parsed.request {
            case .ack(let ids):
                acknowledge(ids, user: client.user, on: connection, requestID: parsed.id)
            case .ping:
                connection.send(textBytes: ServerMessage.pong(timestamp: WallClock.nowMicroseconds(), id: parsed.id))
            default:
                let message = "the notification stream takes ack and ping; subscribe on /ws/stock/prices"
                connection.send(
                    textBytes: ServerMessage.error(ProtocolError(code: .unknownType, message: message, id: parsed.id)))
            }
        }
    }

    func webSocketDidClose(_ connection: Connection, close: WebSocketClose) {
        if let client = streams.removeValue(forKey: connection.id) {
            shared.limits.release(address: client.address)
            shared.logger.info("notification stream closed: \(client.clientID) user \(client.user) (\(close.code.rawValue))")
        }
        stop(connection.id)
    }
}
