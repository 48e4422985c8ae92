import Buffers
import WebSocket

/// Per-connection WebSocket state: the codec, the protocol state machine, the
/// application handler and the heartbeat clock. A class, so the handler can call
/// back into the connection while a frame is being processed.
final class WebSocketSession {
    var decoder: FrameDecoder
    var state: WebSocketConnectionState
    let handler: any WebSocketHandler
    /// Last time anything arrived from the peer (heartbeat timeout).
    var lastHeard: UInt64
    /// When the frame now partly received began to arrive (0 between frames): a frame
    /// must complete within the header timeout, however slowly its bytes trickle in.
    /// Times here use 0 for "none" rather than optionals, which take two words each
    /// (the loop's monotonic clock is never 0).
    var frameStartedAt: UInt64 = 0
    /// Last ping we sent.
    var lastPingSent: UInt64
    /// Monotonic time of the last pong, 0 before the first.
    var lastPong: UInt64 = 0
    var messagesReceived = 0
    var messagesSent = 0
    private var closedNotified = false
    var peerCloseCode: CloseCode?

    init(handler: any WebSocketHandler, settings: WebSocketSettings, now: UInt64) {
        decoder = FrameDecoder(maxPayloadSize: settings.maxMessageBytes)
        state = WebSocketConnectionState(maxMessageSize: settings.maxMessageBytes)
        self.handler = handler
        lastHeard = now
        lastPingSent = now
    }

    /// The socket ended without a close handshake.
    func peerVanished() {
        peerCloseCode = peerCloseCode ?? .abnormalClosure
    }

    func didClose(_ connection: Connection) {
        guard !closedNotified else { return }
        closedNotified = true
        handler.webSocketDidClose(connection, code: peerCloseCode)
    }
}
