import Server
import WebSocket

/// `/ws/echo`: sends every message back as it came (text as text, binary as
/// binary). Off by default; it exists for the Autobahn conformance suite.
final class EchoHandler: WebSocketHandler {
    func webSocket(_ connection: Connection, didReceive message: WebSocketMessage) {
        switch message {
        case .text(let bytes): connection.send(textBytes: bytes)
        case .binary(let bytes): connection.send(binary: bytes)
        }
    }
}
