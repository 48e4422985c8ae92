import PushCore
import Server
import WebSocket

/// `LoopPush` is the WebSocket handler of every price-stream connection on its loop: a
/// connection's `handlerTag` names its client, so no object is kept per connection
/// beyond the core's own record.
extension LoopPush: WebSocketHandler {
    /// The upgrade admitted this client; its connection opens right after (same call).
    func expect(_ info: ClientInfo, connectionID: UInt64) {
        arriving[connectionID] = info
    }

    func webSocketDidOpen(_ connection: Connection) {
        guard let info = arriving.removeValue(forKey: connection.id) else {
            connection.close(code: .internalError, reason: "connection opened without an upgrade")
            return
        }
        open(info, on: connection)
    }

    func webSocket(_ connection: Connection, didReceive message: WebSocketMessage) {
        guard case .text(let bytes) = message else {
            connection.close(code: .unsupportedData, reason: "binary messages are not accepted; send JSON text")
            return
        }
        if let id = client(of: connection) { receive(bytes, from: id) }
    }

    /// The one close line per connection, whoever ended it.
    func webSocketDidClose(_ connection: Connection, close: WebSocketClose) {
        let departure = client(of: connection).flatMap { release($0) } ?? departing.removeValue(forKey: connection.id)
        if let departure { ConnectionLog.closed(departure, close, logger: shared.logger) }
    }

    func webSocketWillShutDown(_ connection: Connection) {
        if let id = client(of: connection) { shuttingDown(id) }
    }

    func webSocketDidDrain(_ connection: Connection) {
        if let id = client(of: connection) { drained(id) }
    }

    /// The address the upgrade admitted the client under (forwarded behind a trusted proxy).
    func clientAddress(of connection: Connection) -> String? {
        client(of: connection).flatMap { core.info(of: $0)?.remoteAddress }
    }
}
