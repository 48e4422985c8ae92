import WebSocket

/// Sends every message back as it came (text as text, binary as binary). StockPush
/// serves it on `/ws/echo` for the Autobahn conformance suite; server tests use it too.
public final class EchoHandler: WebSocketHandler {
    public init() {}

    public func webSocket(_ connection: Connection, didReceive message: WebSocketMessage) {
        switch message {
        case .text(let bytes): connection.send(textBytes: bytes)
        case .binary(let bytes): connection.send(binary: bytes)
        }
    }
}
