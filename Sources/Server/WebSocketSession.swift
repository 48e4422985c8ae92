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
    /// Last ping we sent (the open, before the first; `hasPinged` tells them apart).
    var lastPingSent: UInt64
    /// Monotonic time of the last pong, 0 before the first.
    var lastPong: UInt64 = 0
    var messagesSent = 0
    // The heartbeat figures of `/clients` and the close bookkeeping, packed into one
    // word (100K connections): 32-bit microseconds reach 71 minutes, far above any
    // heartbeat timeout. With `closing` they take the 8 bytes of a received-message
    // count nothing read, so a session is no larger than before.
    /// Round trip of the last answered ping in microseconds; `noRoundTrip` before one.
    var roundTripMicros = WebSocketSession.noRoundTrip
    /// Pings in a row that got no pong before the next ping went out (saturates at 255).
    var missedPongs: UInt8 = 0
    /// The last ping is still unanswered.
    var awaitingPong = false
    var hasPinged = false
    private var closedNotified = false
    /// How the connection ended: the first close frame either side sent (a box, so the
    /// reason costs an open connection one pointer).
    var closing: ClosingBox?

    static let noRoundTrip = UInt32.max

    final class ClosingBox {
        let close: WebSocketClose
        init(_ close: WebSocketClose) { self.close = close }
    }

    /// permessage-deflate was agreed: data messages go out compressed when that shrinks them.
    var compresses: Bool { state.deflate != nil }

    init(handler: any WebSocketHandler, settings: WebSocketSettings, now: UInt64, deflate: DeflateAgreement? = nil) {
        decoder = FrameDecoder(maxPayloadSize: settings.maxMessageBytes, allowsRSV1: deflate != nil)
        state = WebSocketConnectionState(maxMessageSize: settings.maxMessageBytes, deflate: deflate)
        self.handler = handler
        lastHeard = now
        lastPingSent = now
    }

    /// Keeps the first close only: a reply to the peer's close, or the peer's answer to
    /// ours, does not replace it.
    func noteClose(_ code: CloseCode, _ reason: String, byPeer: Bool) {
        if closing == nil { closing = ClosingBox(WebSocketClose(code: code, reason: reason, byPeer: byPeer)) }
    }

    /// A ping goes out; the previous one, if still unanswered, is missed.
    func pingSent(at now: UInt64) {
        if awaitingPong && missedPongs < .max { missedPongs += 1 }
        awaitingPong = true
        hasPinged = true
        lastPingSent = now
    }

    /// A pong arrived: it answers the outstanding ping (our pings carry no payload, so
    /// any pong does), which gives the round trip.
    func pongReceived(at now: UInt64) {
        lastPong = now
        guard awaitingPong else { return }
        awaitingPong = false
        missedPongs = 0
        roundTripMicros = UInt32(clamping: (now &- lastPingSent) / 1000)
    }

    /// The socket ended without a close handshake.
    func peerVanished() {
        noteClose(.abnormalClosure, "", byPeer: true)
    }

    func didClose(_ connection: Connection) {
        guard !closedNotified else { return }
        closedNotified = true
        noteClose(.abnormalClosure, "connection lost", byPeer: true)
        handler.webSocketDidClose(connection, close: closing!.close)
    }
}

/// How a WebSocket ended, for the handler's log line: the code and reason of the first
/// close frame (ours when we closed first), 1005 for a close frame without a code,
/// 1006 when the transport ended without one.
public struct WebSocketClose: Sendable, Equatable {
    public let code: CloseCode
    public let reason: String
    /// The peer closed first (or vanished).
    public let byPeer: Bool

    public init(code: CloseCode, reason: String, byPeer: Bool) {
        self.code = code
        self.reason = reason
        self.byPeer = byPeer
    }
}

/// What `/clients` shows of a connection's heartbeat.
public struct HeartbeatFigures: Sendable, Equatable {
    /// Monotonic nanoseconds of the last ping sent; nil before the first.
    public var lastPing: UInt64?
    /// Monotonic nanoseconds of the last pong; nil before the first.
    public var lastPong: UInt64?
    /// Round trip of the last answered ping, in microseconds; nil before one.
    public var roundTripMicros: UInt32?
    /// Pings in a row without a pong before the next one went out.
    public var missedPongs: Int

    public init(lastPing: UInt64? = nil, lastPong: UInt64? = nil, roundTripMicros: UInt32? = nil, missedPongs: Int = 0) {
        self.lastPing = lastPing
        self.lastPong = lastPong
        self.roundTripMicros = roundTripMicros
        self.missedPongs = missedPongs
    }
}
