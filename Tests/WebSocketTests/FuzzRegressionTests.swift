import Buffers
import Testing

@testable import WebSocket

/// Edge cases from the FuzzWebSocketFrames run of 2026-11-22 (Fuzz/README.md). Byte arrays marked
/// "corpus" are fuzzer inputs with the harness's two option bytes stripped (the options are passed
/// as parameters instead); the others are hand-written around the same paths. The run found no
/// crash. Every stream is checked to give the same result whole and one byte at a time.
@Suite struct FuzzRegressionTests {
    struct Outcome: Equatable {
        var frames: [Frame] = []
        var error: WebSocketError?
        var actions: [WebSocketAction] = []
    }

    /// Decodes `chunks` and feeds every frame to a connection state; the server starts its own
    /// close before frame number `closeAfter` when given (like the harness's second option byte).
    static func run(
        _ chunks: [[UInt8]], maxPayload: Int, maxMessage: Int, requireMask: Bool,
        closeAfter: Int?
    ) -> Outcome {
        var decoder = FrameDecoder(maxPayloadSize: maxPayload, requireMask: requireMask)
        var state = WebSocketConnectionState(maxMessageSize: maxMessage)
        var buffer = ByteBuffer()
        var outcome = Outcome()
        do {
            for chunk in chunks {
                buffer.writeBytes(chunk)
                while let frame = try decoder.next(&buffer) {
                    if outcome.frames.count == closeAfter {
                        outcome.actions.append(state.close(code: .goingAway, reason: "shutdown"))
                    }
                    outcome.frames.append(frame)
                    outcome.actions.append(state.receive(frame))
                }
            }
        } catch {
            outcome.error = error
        }
        return outcome
    }

    static func outcome(
        _ bytes: [UInt8], maxPayload: Int = 1 << 16, maxMessage: Int = 1 << 20,
        requireMask: Bool = true, closeAfter: Int? = nil
    ) -> Outcome {
        let whole = run(
            [bytes], maxPayload: maxPayload, maxMessage: maxMessage,
            requireMask: requireMask, closeAfter: closeAfter)
        let byteByByte = run(
            bytes.map { [$0] }, maxPayload: maxPayload, maxMessage: maxMessage,
            requireMask: requireMask, closeAfter: closeAfter)
        #expect(whole == byteByByte)
        return whole
    }

    @Test func closeReasonWithInvalidUTF8Fails() {
        // corpus: masked close, payload 03 E8 FF = code 1000 + reason byte 0xFF.
        let result = Self.outcome([0x88, 0x83, 0x37, 0xFA, 0x21, 0x3D, 0x34, 0x12, 0xDE])
        #expect(result.error == nil)
        #expect(result.actions == [.fail(.invalidUTF8)])
        #expect(WebSocketError.invalidUTF8.closeCode == .invalidPayload)
    }

    @Test func dataAfterPeerCloseIsIgnored() {
        // corpus: close 4000 (application range), then a masked text frame "late".
        let result = Self.outcome([
            0x88, 0x82, 0x37, 0xFA, 0x21, 0x3D, 0x38, 0x5A,
            0x81, 0x84, 0x37, 0xFA, 0x21, 0x3D, 0x5B, 0x9B, 0x55, 0x58,
        ])
        #expect(result.frames.last?.payload == Array("late".utf8))
        #expect(result.actions == [.replyCloseAndShutdown(code: CloseCode(rawValue: 4000), reason: ""), .none])
    }

    @Test func maskedContinuationWithoutMessageFails() {
        // corpus (requireMask false): a masked continuation frame opening the stream (28 bytes
        // after a zero key), then an empty text frame that is ignored once the connection failed.
        let bytes: [UInt8] = [0x00, 0x9C] + [UInt8](repeating: 0, count: 32) + [0x81, 0x00]
        let result = Self.outcome(bytes, requireMask: false)
        #expect(result.frames.count == 2)
        #expect(result.actions == [.fail(.unexpectedContinuation), .none])
    }

    @Test func reservedBitsRejectedFromFirstByte() {
        // corpus (limits 0/0, close after 9 frames): 0x61 = RSV1|RSV2, continuation, no FIN.
        let result = Self.outcome(
            [0x61, 0x72, 0x83, 0xFA, 0x21, 0x3D, 0x34, 0x12, 0xDE],
            maxPayload: 0, maxMessage: 0, closeAfter: 9)
        #expect(result.error == .reservedBitsSet)
        #expect(result.frames.isEmpty)
        #expect(Self.outcome([0x61]).error == .reservedBitsSet)
    }

    @Test func oversizedPingRejectedAfterTwoBytes() {
        // corpus: ping announcing a 16-bit length; rejected before the length bytes arrive.
        #expect(Self.outcome([0x89, 0xFE]).error == .controlFrameTooLong(126))
        #expect(Self.outcome([0x89, 0xFE, 0x00]).error == .controlFrameTooLong(126))
    }

    @Test func incompleteExtendedLengthWaits() {
        // corpus (requireMask false): 64-bit length with only 7 of its 8 bytes: no frame, no error yet.
        let partial: [UInt8] = [0x82, 0x7F, 0x00, 0x01, 0x61, 0x72, 0x74, 0x66, 0x61]
        let result = Self.outcome(partial, requireMask: false)
        #expect(result.error == nil && result.frames.isEmpty)
        #expect(Self.outcome(partial + [0x6C], requireMask: false).error == .frameTooLarge(0x0001_6172_7466_616C))
    }

    @Test func zeroPayloadLimitStillAcceptsEmptyFrames() {
        let empty = Self.outcome([0x81, 0x00, 0x82, 0x00], maxPayload: 0, maxMessage: 0, requireMask: false)
        #expect(empty.actions == [.deliver(.text([])), .deliver(.binary([]))])
        #expect(
            Self.outcome([0x82, 0x01, 0x00], maxPayload: 0, maxMessage: 0, requireMask: false).error
                == .frameTooLarge(1))
    }

    @Test func overlongSplitAcrossFragmentsFailsAtTheContinuation() {
        // E0 alone is a valid start; E0 80 is an overlong encoding, caught on the second fragment
        // before the message is finished.
        let result = Self.outcome(
            [0x01, 0x01, 0xE0, 0x00, 0x02, 0x80, 0x80, 0x80, 0x01, 0x41],
            requireMask: false)
        #expect(result.actions == [.none, .fail(.invalidUTF8), .none])
    }

    @Test func textEndingMidCodePointFailsOnTheFinalFrame() {
        // E2 82 is a valid prefix of U+20AC but the message ends there.
        let result = Self.outcome([0x01, 0x01, 0xE2, 0x80, 0x01, 0x82], requireMask: false)
        #expect(result.actions == [.none, .fail(.invalidUTF8)])
    }

    @Test func serverCloseThenPeerTraffic() {
        // close after 1 frame: a fragment is open, our close discards it; the peer's ping and data
        // get no answer, its close completes the handshake.
        let bytes: [UInt8] = [0x01, 0x02, 0x61, 0x62, 0x89, 0x01, 0x70, 0x80, 0x01, 0x63, 0x88, 0x02, 0x03, 0xE9]
        let result = Self.outcome(bytes, requireMask: false, closeAfter: 1)
        #expect(result.actions == [.none, .sendClose(code: .goingAway, reason: "shutdown"), .none, .none, .closeTransport])
    }

    @Test func validatorAgreesWithStandardLibraryInPieces() {
        let cases: [([UInt8], Bool)] = [
            ([0xF4, 0x8F, 0xBF, 0xBF], true),  // U+10FFFF
            ([0xF4, 0x90, 0x80, 0x80], false),  // above U+10FFFF
            ([0xED, 0x9F, 0xBF], true),  // U+D7FF
            ([0xED, 0xA0, 0x80], false),  // surrogate
            ([0xF0, 0x90, 0x80, 0x80], true),  // U+10000
            ([0xF0, 0x8F, 0xBF, 0xBF], false),  // overlong
            ([0xC2, 0x80], true), ([0xC1, 0xBF], false),
            (Array("ascii then \u{FC} \u{20AC} \u{10FFFF}".utf8), true),
        ]
        for (bytes, valid) in cases {
            #expect((String(validating: bytes, as: UTF8.self) != nil) == valid)
            for split in 0...bytes.count {
                var validator = UTF8Validator()
                let accepted = validator.feed(Array(bytes[..<split])) && validator.feed(Array(bytes[split...]))
                #expect((accepted && validator.isAtBoundary) == valid, "\(bytes) split at \(split)")
            }
        }
    }
}
