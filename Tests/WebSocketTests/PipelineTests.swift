import Buffers
import Testing

@testable import WebSocket

/// Decoder and connection state together, the way the server glue drives them.
@Suite struct PipelineTests {
    /// Deterministic pseudo-random chunk sizes (64-bit LCG), so failures reproduce.
    struct Chunker {
        var state: UInt64
        mutating func next(upTo limit: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % limit + 1
        }
    }

    static func run(_ bytes: [UInt8], seed: UInt64, maxMessageSize: Int = 1 << 16) throws -> [WebSocketAction] {
        var decoder = FrameDecoder(maxPayloadSize: maxMessageSize)
        var state = WebSocketConnectionState(maxMessageSize: maxMessageSize)
        var buffer = ByteBuffer()
        var chunker = Chunker(state: seed)
        var actions: [WebSocketAction] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunker.next(upTo: 17))
            buffer.writeBytes(bytes[offset..<end])
            offset = end
            while let frame = try decoder.next(&buffer) {
                let action = state.receive(frame)
                if action != .none { actions.append(action) }
            }
        }
        return actions
    }

    @Test(arguments: [1, 2, 3, 42, 1234] as [UInt64])
    func conversationUnderRandomChunking(seed: UInt64) throws {
        let bytes =
            maskedFrame(.text, fin: false, Array("Grüße, ".utf8))
            + maskedFrame(.ping, Array("hb".utf8))
            + maskedFrame(.continuation, fin: false, [0xF0, 0x9F])
            + maskedFrame(.continuation, fin: true, [0x8E, 0x89])
            + maskedFrame(.binary, (0..<1000).map { UInt8(truncatingIfNeeded: $0) })
            + maskedFrame(.pong, [])
            + maskedFrame(.close, FrameEncoder.closePayload(code: .goingAway, reason: "tab closed"))
            + maskedFrame(.text, Array("after close".utf8))
        let actions = try Self.run(bytes, seed: seed)
        #expect(
            actions == [
                .sendPong(Array("hb".utf8)),
                .deliver(.text(Array("Grüße, 🎉".utf8))),
                .deliver(.binary((0..<1000).map { UInt8(truncatingIfNeeded: $0) })),
                .pongReceived([]),
                .replyCloseAndShutdown(code: .goingAway, reason: "tab closed"),
            ])
    }

    @Test func invalidTextFailsBeforeTheMessageEnds() throws {
        let bytes =
            maskedFrame(.text, fin: false, Array("fine".utf8))
            + maskedFrame(.continuation, fin: false, [0xED, 0xA0, 0x80])  // a surrogate
        let actions = try Self.run(bytes, seed: 7)
        #expect(actions == [.fail(.invalidUTF8)])
        #expect(WebSocketError.invalidUTF8.closeCode == .invalidPayload)
    }
}
