/// What the connection must do after feeding a frame to `WebSocketConnectionState`.
///
/// The state machine never does I/O; it tells the glue what to send and when to
/// drop the transport.
public enum WebSocketAction: Equatable, Sendable {
    case none
    /// A complete data message.
    case deliver(WebSocketMessage)
    /// Answer a ping by echoing its payload in a pong.
    case sendPong([UInt8])
    /// A pong arrived (heartbeat bookkeeping).
    case pongReceived([UInt8])
    /// We initiate the close: send a close frame, then keep reading until the peer's close arrives.
    case sendClose(code: CloseCode?, reason: String)
    /// The peer initiated the close: echo it (code `nil` when the peer sent none), then close the transport.
    case replyCloseAndShutdown(code: CloseCode?, reason: String)
    /// Protocol error: send a close with `error.closeCode`, then close the transport.
    case fail(WebSocketError)
    /// The peer acknowledged our close: close the transport.
    case closeTransport
}
