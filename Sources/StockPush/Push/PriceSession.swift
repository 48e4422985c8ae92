import PushCore
import Server
import WebSocket

/// One client of `/ws/stock/prices` as the connection sees it: forwards the
/// connection's events to its loop's `LoopPush` under the client's core id. Its state
/// (subscriptions, `seq`, conflation) lives in the core.
final class PriceSession: WebSocketHandler {
    let info: ClientInfo
    unowned let push: LoopPush
    /// Strong on purpose (weak references give objects a side table, which makes every
    /// retain on the fan-out path slow); the cycle with the connection is broken when it
    /// closes.
    private(set) var connection: Connection?
    /// The core's id for this client; nil before the handshake completes and once the
    /// core has let it go (its slot may then belong to another client).
    private var id: ClientID?

    init(info: ClientInfo, push: LoopPush) {
        self.info = info
        self.push = push
    }

    /// The core released this client (an admin or flood close): report nothing more.
    func detach() {
        id = nil
    }

    func webSocketDidOpen(_ connection: Connection) {
        self.connection = connection
        id = push.open(self)
    }

    func webSocket(_ connection: Connection, didReceive message: WebSocketMessage) {
        guard case .text(let bytes) = message else {
            connection.close(code: .unsupportedData, reason: "binary messages are not accepted; send JSON text")
            return
        }
        if let id { push.receive(bytes, from: id) }
    }

    func webSocketDidClose(_ connection: Connection, code: CloseCode?) {
        if let id { push.closed(id) }
        id = nil
        push.shared.limits.release(user: info.user, address: info.remoteAddress)
        self.connection = nil
    }

    func webSocketWillShutDown(_ connection: Connection) {
        if let id { push.shuttingDown(id) }
    }

    func webSocketDidDrain(_ connection: Connection) {
        if let id { push.drained(id) }
    }
}

@available(*, unavailable)
extension PriceSession: Sendable {}
