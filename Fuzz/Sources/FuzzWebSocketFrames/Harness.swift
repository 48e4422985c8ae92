// libFuzzer harness for the WebSocket frame decoder, connection state machine and UTF-8 validator.
//
// Input layout: byte 0 = options (bit 0: requireMask; bits 1-2: payload/message limits;
// bits 3-7: chunk split seed), byte 1 = after how many frames the server starts its own close
// (low nibble; 15 = never), the rest is the byte stream a peer sends.
// Checked: whole vs. chunked decoding gives the same frames, error and actions; actions
// respect the limits; UTF8Validator fed in pieces agrees with the standard library.
import Buffers
import WebSocket

struct Outcome: Equatable {
    var frames: [Frame] = []
    var error: WebSocketError?
    var actions: [WebSocketAction] = []
    var leftover: [UInt8] = []
}

struct SplitSeed {
    var state: UInt32
    let maxChunk: Int

    init(_ byte: UInt8) {
        state = 0x85EB_CA6B ^ UInt32(byte) &* 0x0101_0101
        if state == 0 { state = 1 }
        maxChunk = 1 << Int((byte >> 3) & 0x07)
    }

    mutating func nextChunk() -> Int {
        state ^= state << 13
        state ^= state >> 17
        state ^= state << 5
        return 1 + Int(state % UInt32(maxChunk))
    }
}

func split(_ bytes: UnsafeRawBufferPointer, seed: UInt8) -> [UnsafeRawBufferPointer] {
    var chunks: [UnsafeRawBufferPointer] = []
    var generator = SplitSeed(seed)
    var offset = 0
    while offset < bytes.count {
        let end = min(bytes.count, offset + generator.nextChunk())
        chunks.append(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
        offset = end
    }
    return chunks
}

func isValidUTF8(_ bytes: some Collection<UInt8>) -> Bool {
    String(validating: bytes, as: UTF8.self) != nil
}

/// Decodes `chunks` in order, draining frames after each append, and runs every frame through
/// a connection state machine, as the server does.
func run(_ chunks: [UnsafeRawBufferPointer], maxPayload: Int, maxMessage: Int, requireMask: Bool,
         closeAfter: Int) -> Outcome {
    var decoder = FrameDecoder(maxPayloadSize: maxPayload, requireMask: requireMask)
    var state = WebSocketConnectionState(maxMessageSize: maxMessage)
    var buffer = ByteBuffer()
    var outcome = Outcome()
    do {
        for chunk in chunks {
            buffer.writeBytes(chunk)
            while let frame = try decoder.next(&buffer) {
                if outcome.frames.count == closeAfter {
                    let wasOpen = !state.isClosing
                    let action = state.close(code: .goingAway, reason: "shutdown")
                    precondition(wasOpen == (action == .sendClose(code: .goingAway, reason: "shutdown")),
                                 "close() must send a close exactly when the connection was open")
                    outcome.actions.append(action)
                }
                check(frame, maxPayload: maxPayload)
                outcome.frames.append(frame)
                let wasClosed = state.isClosed
                let wasClosing = state.isClosing
                let action = state.receive(frame)
                check(action, frame: frame, maxMessage: maxMessage, wasClosed: wasClosed)
                if wasClosing {
                    switch action {
                    case .deliver, .sendPong, .replyCloseAndShutdown:
                        preconditionFailure("\(action) while closing")
                    default: break
                    }
                }
                outcome.actions.append(action)
            }
        }
    } catch {
        outcome.error = error
        return outcome
    }
    outcome.leftover = buffer.readableBytesArray
    return outcome
}

func check(_ frame: Frame, maxPayload: Int) {
    precondition(frame.payload.count <= maxPayload, "frame payload above maxPayloadSize")
    precondition(frame.rsv == 0, "decoder returned a frame with RSV bits")
    precondition(frame.opcode.isKnown, "decoder returned an unknown opcode")
    if frame.opcode.isControl {
        precondition(frame.fin, "decoder returned a fragmented control frame")
        precondition(frame.payload.count <= 125, "decoder returned an oversized control frame")
    }
}

func check(_ action: WebSocketAction, frame: Frame, maxMessage: Int, wasClosed: Bool) {
    if wasClosed { precondition(action == .none, "action after the connection closed") }
    switch action {
    case .deliver(.text(let bytes)):
        precondition(bytes.count <= maxMessage, "text message above maxMessageSize")
        precondition(isValidUTF8(bytes), "delivered text is not valid UTF-8")
        precondition(frame.fin, "message delivered on a non-final frame")
    case .deliver(.binary(let bytes)):
        precondition(bytes.count <= maxMessage, "binary message above maxMessageSize")
        precondition(frame.fin, "message delivered on a non-final frame")
    case .sendPong(let payload):
        precondition(frame.opcode == .ping && payload == frame.payload, "pong does not echo the ping")
    case .pongReceived(let payload):
        precondition(frame.opcode == .pong && payload == frame.payload, "pong payload changed")
    case .replyCloseAndShutdown(let code, let reason):
        precondition(frame.opcode == .close, "close reply to a non-close frame")
        if let code {
            precondition(code.isValidOnWire, "echoing a close code that is invalid on the wire")
            precondition(Array(reason.utf8) == Array(frame.payload[2...]), "close reason altered")
        } else {
            precondition(frame.payload.isEmpty && reason.isEmpty, "close without code but with payload")
        }
    case .fail(let error):
        if error == .invalidUTF8 {
            precondition(frame.opcode == .text || frame.opcode == .continuation || frame.opcode == .close,
                         "invalidUTF8 on a frame that carries no text")
        }
    case .none, .closeTransport, .sendClose:
        break
    }
}

/// The validator fed `bytes` in the given pieces must agree with the standard library, and
/// must fail no later than the first piece after which no valid continuation exists.
func checkUTF8(_ bytes: UnsafeRawBufferPointer, seed: UInt8) {
    var validator = UTF8Validator()
    var accepted = true
    var consumed = 0
    for piece in split(bytes, seed: seed) {
        if !validator.feed(piece) {
            accepted = false
            break
        }
        consumed += piece.count
    }
    // Everything fed before a failure was accepted, so it must be a prefix of valid UTF-8:
    // valid once its incomplete last code point (at most 3 bytes) is cut off, and complete
    // exactly when the validator says it is at a boundary.
    let prefix = UnsafeRawBufferPointer(rebasing: bytes[..<consumed])
    let atBoundary = accepted ? validator.isAtBoundary : nil
    let completable = (0...min(3, consumed)).contains { cut in
        isValidUTF8(UnsafeRawBufferPointer(rebasing: prefix[..<(consumed - cut)]))
            && (atBoundary == nil || (cut == 0) == atBoundary!)
    }
    precondition(completable, "validator accepted a prefix that cannot be valid UTF-8")
    let validatorSays = accepted && validator.isAtBoundary
    precondition(validatorSays == isValidUTF8(bytes), "UTF8Validator disagrees with the standard library")

    // Feeding after a failure keeps failing until reset.
    if !accepted {
        precondition(!validator.feed([0x41]), "validator recovered without reset")
        validator.reset()
        precondition(validator.feed([0x41]) && validator.isAtBoundary, "reset did not clear the state")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    let options = raw[0]
    let closeAfter = raw[1] & 0x0F == 0x0F ? -1 : Int(raw[1] & 0x0F)
    let stream = UnsafeRawBufferPointer(rebasing: raw[2...])
    let requireMask = options & 0x01 != 0
    let (maxPayload, maxMessage): (Int, Int) = switch (options >> 1) & 0x03 {
    case 0: (1 << 16, 1 << 20)
    case 1: (125, 200)
    case 2: (16, 16)
    default: (0, 0)
    }

    let whole = run([stream], maxPayload: maxPayload, maxMessage: maxMessage, requireMask: requireMask,
                    closeAfter: closeAfter)
    let chunked = run(split(stream, seed: options), maxPayload: maxPayload, maxMessage: maxMessage,
                      requireMask: requireMask, closeAfter: closeAfter)
    precondition(whole == chunked, "whole and chunked decoding differ: \(whole) vs \(chunked)")

    checkUTF8(stream, seed: options)
    return 0
}
