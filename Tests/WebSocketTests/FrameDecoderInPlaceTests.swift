import Buffers
import Testing

@testable import WebSocket

/// `FrameDecoder.frame(in:)`: complete frames read where they lie, for readers that
/// need no copy (the load generator).
@Suite struct FrameDecoderInPlaceTests {
    let decoder = FrameDecoder(maxPayloadSize: 1 << 20, requireMask: false)

    @Test func payloadIsTheBytesInTheBuffer() throws {
        let bytes: [UInt8] = [0x81, 0x05] + Array("Hello".utf8) + [0x8A, 0x00]
        try bytes.withUnsafeBytes { raw in
            let view = try #require(try decoder.frame(in: raw))
            #expect(view.header.fin && view.header.opcode == .text && view.header.maskingKey == nil)
            #expect(view.size == 7)
            #expect(view.payload.baseAddress == raw.baseAddress! + 2, "not a copy")
            #expect(Array(view.payload) == Array("Hello".utf8))
            // The next frame starts where this one ends.
            let pong = try #require(try decoder.frame(in: UnsafeRawBufferPointer(rebasing: raw[view.size...])))
            #expect(pong.header.opcode == .pong && pong.size == 2 && pong.payload.isEmpty)
        }
    }

    @Test(arguments: [0, 125, 126, 65_535, 65_536])
    func everyLengthFormAndEveryCut(length: Int) throws {
        var buffer = ByteBuffer()
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        FrameEncoder.encode(opcode: .binary, payload: payload, into: &buffer)
        let bytes = buffer.readableBytesArray
        try bytes.withUnsafeBytes { raw in
            let view = try #require(try decoder.frame(in: raw))
            #expect(view.size == bytes.count && Array(view.payload) == payload)
            // Any prefix short of the whole frame is "not yet", never a wrong frame.
            for cut in [0, 1, 2, 3, 9, bytes.count - 1] where cut < bytes.count {
                #expect(try decoder.frame(in: UnsafeRawBufferPointer(rebasing: raw[..<cut])) == nil)
            }
        }
    }

    @Test func maskedPayloadStaysMaskedAndKeyIsReported() throws {
        let bytes: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        try bytes.withUnsafeBytes { raw in
            let view = try #require(try decoder.frame(in: raw))
            let key = try #require(view.header.maskingKey)
            #expect([key.0, key.1, key.2, key.3] == [0x37, 0xFA, 0x21, 0x3D])
            #expect(Array(view.payload) == [0x7F, 0x9F, 0x4D, 0x51, 0x58])
        }
    }

    @Test func sameErrorsAsNext() {
        for (bytes, error) in [
            ([0xC1, 0x00], WebSocketError.reservedBitsSet), ([0x83, 0x00], .unknownOpcode(3)),
            ([0x09, 0x00], .fragmentedControlFrame), ([0x89, 0x7E], .controlFrameTooLong(126)),
        ] as [([UInt8], WebSocketError)] {
            #expect(throws: error) { try bytes.withUnsafeBytes { try decoder.frame(in: $0) } }
        }
        let small = FrameDecoder(maxPayloadSize: 10, requireMask: false)
        #expect(throws: WebSocketError.frameTooLarge(11)) {
            try [UInt8]([0x82, 0x0B]).withUnsafeBytes { try small.frame(in: $0) }
        }
    }
}
