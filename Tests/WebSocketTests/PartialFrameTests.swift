import Buffers
import Testing

@testable import WebSocket

@Suite struct PartialFrameTests {
    func masked(_ opcode: Opcode, _ payload: [UInt8], fin: Bool = true) -> [UInt8] {
        var buffer = ByteBuffer()
        FrameEncoder.encodeMasked(
            opcode: opcode, fin: fin, payload: payload, maskingKey: [0x37, 0xfa, 0x21, 0x3d], into: &buffer)
        return buffer.readableBytesArray
    }

    @Test func unmasksAnyRangeOfAnIncompletePayload() {
        let payload = Array("κόσμε, a longer text so the payload spans several words".utf8)
        let bytes = masked(.text, payload)
        let header = bytes.count - payload.count
        let decoder = FrameDecoder(maxPayloadSize: 1 << 20)
        for available in [1, 5, 9, 20, payload.count - 1] {
            let buffer = ByteBuffer(bytes: bytes[0..<(header + available)])
            let partial = decoder.partialFrame(in: buffer)
            #expect(partial == PartialFrame(opcode: .text, fin: true, payloadLength: payload.count, availablePayload: available))
            for offset in 0..<min(available, 6) {
                #expect(decoder.partialPayload(in: buffer, from: offset) == Array(payload[offset..<available]))
            }
        }
        #expect(decoder.partialFrame(in: ByteBuffer(bytes: bytes)) == nil, "a complete frame is not partial")
        #expect(decoder.partialFrame(in: ByteBuffer(bytes: bytes[0..<3])) == nil, "no full header yet")
    }

    /// Feeds `bytes` in `chunk`-sized reads the way the server does; returns the first failure.
    func run(_ bytes: [UInt8], chunk: Int) -> WebSocketAction? {
        var decoder = FrameDecoder(maxPayloadSize: 1 << 20)
        var state = WebSocketConnectionState(maxMessageSize: 1 << 20)
        var buffer = ByteBuffer()
        var index = 0
        while index < bytes.count {
            buffer.writeBytes(bytes[index..<min(bytes.count, index + chunk)])
            index += chunk
            while true {
                guard let frame = try? decoder.next(&buffer) else {
                    if let partial = decoder.partialFrame(in: buffer), state.carriesText(partial),
                        partial.availablePayload > state.partialChecked,
                        let action = state.inspectPartial(
                            partial, newBytes: decoder.partialPayload(in: buffer, from: state.partialChecked))
                    {
                        return action
                    }
                    break
                }
                if case .fail = state.receive(frame) { return .fail(.invalidUTF8) }
            }
        }
        return nil
    }

    @Test func invalidUTF8FailsBeforeTheFrameEnds() {
        var payload = Array(String(repeating: "a", count: 100).utf8)
        payload[10] = 0xF5  // can never start a UTF-8 sequence
        let bytes = masked(.text, payload)
        // Only the first 30 bytes arrive: the frame is far from complete, yet it fails.
        #expect(run(Array(bytes[0..<30]), chunk: 7) == .fail(.invalidUTF8))
    }

    @Test func validTextSplitAtEveryByteNeverFailsEarly() {
        let payload = Array("价格 🎉 price ✓ Ωmega".utf8)
        let bytes = masked(.text, Array(payload[0..<10]), fin: false) + masked(.continuation, Array(payload[10...]))
        for chunk in 1...bytes.count {
            #expect(run(bytes, chunk: chunk) == nil, "chunk \(chunk)")
        }
    }

    @Test func continuationResumesTheMessagesValidation() {
        // "é" is C3 A9: the first fragment ends after C3, the continuation starts with an
        // invalid byte where A9 belongs.
        let bytes = masked(.text, [0x61, 0xC3], fin: false) + masked(.continuation, [0x41] + Array(repeating: 0x61, count: 50))
        #expect(run(Array(bytes[0..<(bytes.count - 40)]), chunk: 1) == .fail(.invalidUTF8))
    }

    @Test func binaryFramesAreNotInspected() {
        let state = WebSocketConnectionState(maxMessageSize: 100)
        #expect(!state.carriesText(PartialFrame(opcode: .binary, fin: true, payloadLength: 10, availablePayload: 3)))
        #expect(state.carriesText(PartialFrame(opcode: .text, fin: true, payloadLength: 10, availablePayload: 3)))
        #expect(!state.carriesText(PartialFrame(opcode: .continuation, fin: true, payloadLength: 10, availablePayload: 3)))
    }
}
