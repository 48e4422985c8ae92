import Deflate

/// The per-connection protocol state above the frame layer (RFC 6455 sections 5.4, 5.5, 7, 8.1).
///
/// Reassembles fragmented messages, validates text incrementally so a bad fragment
/// fails the connection on arrival, enforces the message size limit, answers pings
/// and runs the close handshake. Sans-I/O: each frame in, one action out. With
/// permessage-deflate agreed it also inflates compressed messages
/// (`WebSocketConnectionState+Deflate`).
public struct WebSocketConnectionState {
    enum Phase: Sendable {
        case open
        /// We sent a close and wait for the peer's; data frames are ignored meanwhile.
        case closeSent
        /// The handshake finished (or the peer's close was answered); nothing more to do.
        case closed
        /// A protocol error was reported; everything afterwards is ignored.
        case failed
    }

    /// Largest total payload of one (possibly fragmented) data message.
    public let maxMessageSize: Int
    var phase: Phase = .open
    /// Opcode of the fragmented message in progress, if any.
    var messageOpcode: Opcode?
    /// Fragments received so far for that message.
    var messageBytes: [UInt8] = []
    /// Validates text fragments as they arrive, across fragment boundaries.
    var utf8 = UTF8Validator()
    /// Speculative check of a text frame still arriving: its own validator copy and
    /// how many of its payload bytes were checked.
    var partialUTF8 = UTF8Validator()
    public private(set) var partialChecked = 0
    /// What permessage-deflate agreed, nil without it.
    public let deflate: DeflateAgreement?
    /// Made at the first compressed message; kept between messages for context takeover.
    var inflater: MessageInflater?
    /// The message in progress is compressed (its first frame had RSV1).
    var messageCompressed = false

    public init(maxMessageSize: Int, deflate: DeflateAgreement? = nil) {
        precondition(maxMessageSize >= 0)
        self.maxMessageSize = maxMessageSize
        self.deflate = deflate
    }

    /// Whether the connection keeps an inflater between messages (its memory cost).
    public var holdsInflater: Bool { inflater != nil }

    /// True once either side started closing, or the connection failed.
    public var isClosing: Bool { phase != .open }

    /// True once the transport should be (or has been told to be) closed: nothing more will happen.
    public var isClosed: Bool { phase == .closed || phase == .failed }

    /// Whether an incomplete frame is text worth checking early (binary is not).
    public func carriesText(_ frame: PartialFrame) -> Bool {
        // Compressed text is checked once inflated, not on the wire.
        phase == .open
            && ((frame.opcode == .text && frame.rsv == 0)
                || (frame.opcode == .continuation && messageOpcode == .text && !messageCompressed))
    }

    /// Checks the newly arrived payload bytes of a text frame that is not complete yet,
    /// so invalid UTF-8 fails the connection at once rather than when the frame ends
    /// (RFC 6455 8.1: "fail fast"). Returns `.fail(.invalidUTF8)` or nil.
    public mutating func inspectPartial(_ frame: PartialFrame, newBytes: [UInt8]) -> WebSocketAction? {
        guard carriesText(frame) else { return nil }
        if partialChecked == 0 {
            // A new text message starts clean; a continuation resumes the message's state.
            partialUTF8 = frame.opcode == .text ? UTF8Validator() : utf8
        }
        partialChecked += newBytes.count
        return partialUTF8.feed(newBytes) ? nil : fail(.invalidUTF8)
    }

    /// Feeds one decoded frame.
    public mutating func receive(_ frame: Frame) -> WebSocketAction {
        partialChecked = 0
        switch phase {
        case .closed, .failed: return .none
        case .open, .closeSent: break
        }
        // The decoder checks these too; repeated so frames from any source are held to the RFC.
        if frame.rsv != 0 {
            guard frame.rsv == 4, deflate != nil else { return fail(.reservedBitsSet) }
            guard !frame.opcode.isControl && frame.opcode != .continuation else { return fail(.compressedBitMisplaced) }
        }
        guard frame.opcode.isKnown else { return fail(.unknownOpcode(frame.opcode.rawValue)) }
        if frame.opcode.isControl {
            guard frame.fin else { return fail(.fragmentedControlFrame) }
            guard frame.payload.count <= 125 else { return fail(.controlFrameTooLong(frame.payload.count)) }
        }

        switch frame.opcode {
        case .ping:
            // After our close only the peer's close matters; answering would be noise.
            return phase == .open ? .sendPong(frame.payload) : .none
        case .pong:
            return .pongReceived(frame.payload)
        case .close:
            return receiveClose(frame.payload)
        default:
            guard phase == .open else { return .none }
            return receiveData(frame)
        }
    }

    /// Starts a server-initiated close (heartbeat timeout, policy, shutdown).
    /// Returns `.sendClose`, or `.none` when already closing.
    public mutating func close(code: CloseCode, reason: String) -> WebSocketAction {
        guard phase == .open else { return .none }
        phase = .closeSent
        discardMessage()
        return .sendClose(code: code, reason: reason)
    }

    mutating func receiveData(_ frame: Frame) -> WebSocketAction {
        if frame.opcode == .continuation {
            guard let opcode = messageOpcode else { return fail(.unexpectedContinuation) }
            if messageCompressed { return receiveCompressed(frame, opcode: opcode) }
            let total = messageBytes.count + frame.payload.count
            guard total <= maxMessageSize else { return fail(.messageTooLarge(total)) }
            if opcode == .text && !utf8.feed(frame.payload) { return fail(.invalidUTF8) }
            messageBytes.append(contentsOf: frame.payload)
            guard frame.fin else { return .none }
            var bytes: [UInt8] = []
            swap(&bytes, &messageBytes)
            messageOpcode = nil
            return finish(opcode: opcode, bytes: bytes)
        }

        // A new text or binary message.
        guard messageOpcode == nil else { return fail(.expectedContinuation) }
        if frame.rsv != 0 {
            messageOpcode = frame.opcode
            messageCompressed = true
            utf8.reset()
            return receiveCompressed(frame, opcode: frame.opcode)
        }
        guard frame.payload.count <= maxMessageSize else { return fail(.messageTooLarge(frame.payload.count)) }
        if frame.opcode == .text {
            utf8.reset()
            if !utf8.feed(frame.payload) { return fail(.invalidUTF8) }
        }
        if frame.fin { return finish(opcode: frame.opcode, bytes: frame.payload) }
        messageOpcode = frame.opcode
        messageBytes = frame.payload
        return .none
    }

    /// Delivers a complete message once text has been checked to end on a code point.
    mutating func finish(opcode: Opcode, bytes: [UInt8]) -> WebSocketAction {
        if opcode == .text {
            guard utf8.isAtBoundary else { return fail(.invalidUTF8) }
            return .deliver(.text(bytes))
        }
        return .deliver(.binary(bytes))
    }

    mutating func receiveClose(_ payload: [UInt8]) -> WebSocketAction {
        var code: CloseCode?
        var reason = ""
        if payload.count == 1 { return fail(.invalidClosePayload) }
        if payload.count >= 2 {
            let received = CloseCode(rawValue: UInt16(payload[0]) << 8 | UInt16(payload[1]))
            guard received.isValidOnWire else { return fail(.invalidCloseCode(received.rawValue)) }
            let reasonBytes = payload[2...]
            var validator = UTF8Validator()
            let valid = reasonBytes.withUnsafeBytes { validator.feed($0) }
            guard valid && validator.isAtBoundary else { return fail(.invalidUTF8) }
            code = received
            reason = String(decoding: reasonBytes, as: UTF8.self)
        }
        discardMessage()
        let weInitiated = phase == .closeSent
        phase = .closed
        return weInitiated ? .closeTransport : .replyCloseAndShutdown(code: code, reason: reason)
    }

    mutating func fail(_ error: WebSocketError) -> WebSocketAction {
        phase = .failed
        discardMessage()
        inflater = nil
        return .fail(error)
    }

    mutating func discardMessage() {
        messageOpcode = nil
        messageCompressed = false
        messageBytes = []
        utf8.reset()
    }
}
