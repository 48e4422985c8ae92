import Buffers
import Testing

@testable import WebSocket

@Suite struct FrameEncoderTests {
    @Test func headerSizes() {
        #expect(FrameEncoder.headerSize(payloadCount: 0, masked: false) == 2)
        #expect(FrameEncoder.headerSize(payloadCount: 125, masked: false) == 2)
        #expect(FrameEncoder.headerSize(payloadCount: 126, masked: false) == 4)
        #expect(FrameEncoder.headerSize(payloadCount: 65_535, masked: false) == 4)
        #expect(FrameEncoder.headerSize(payloadCount: 65_536, masked: false) == 10)
        #expect(FrameEncoder.headerSize(payloadCount: 0, masked: true) == 6)
        #expect(FrameEncoder.headerSize(payloadCount: 65_536, masked: true) == 14)
    }

    /// The unmasked examples of RFC 6455 section 5.7.
    @Test func serverFramesMatchRFCExamples() {
        var buffer = ByteBuffer()
        FrameEncoder.encode(opcode: .text, payload: Array("Hello".utf8), into: &buffer)
        #expect(buffer.readableBytesArray == [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])

        buffer = ByteBuffer()
        FrameEncoder.encode(opcode: .text, fin: false, payload: Array("Hel".utf8), into: &buffer)
        FrameEncoder.encode(opcode: .continuation, payload: Array("lo".utf8), into: &buffer)
        #expect(buffer.readableBytesArray == [0x01, 0x03, 0x48, 0x65, 0x6C, 0x80, 0x02, 0x6C, 0x6F])

        buffer = ByteBuffer()
        let payload = [UInt8](repeating: 0xAB, count: 256)
        FrameEncoder.encode(opcode: .binary, payload: payload, into: &buffer)
        #expect(buffer.readableBytesArray == [0x82, 0x7E, 0x01, 0x00] + payload)
    }

    /// The public unmasked header writer (the price-update head's): each length form,
    /// the bytes after the header untouched.
    @Test(
        arguments: [
            (0, [0x82, 0x00]), (125, [0x82, 0x7D]), (126, [0x82, 0x7E, 0x00, 0x7E]),
            (65_535, [0x82, 0x7E, 0xFF, 0xFF]), (65_536, [0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0, 0]),
            (0x01_0000_0005, [0x82, 0x7F, 0, 0, 0, 0x01, 0, 0, 0, 0x05]),
        ] as [(Int, [UInt8])])
    func unmaskedHeaderWriter(length: Int, expected: [UInt8]) {
        var bytes = [UInt8](repeating: 0xEE, count: 12)
        let size = bytes.withUnsafeMutableBytes { FrameEncoder.writeHeader(opcode: .binary, payloadCount: length, into: $0) }
        #expect(size == expected.count && size == FrameEncoder.headerSize(payloadCount: length, masked: false))
        #expect(Array(bytes[..<size]) == expected)
        #expect(bytes[size...].allSatisfy { $0 == 0xEE })
        let exact = [UInt8](unsafeUninitializedCapacity: size) { target, initialized in
            initialized = FrameEncoder.writeHeader(
                opcode: .binary, payloadCount: length, into: UnsafeMutableRawBufferPointer(target))
        }
        #expect(exact == expected, "a target of exactly the header's size suffices")
    }

    @Test func unmaskedHeaderWriterFinAndOpcode() {
        var bytes = [UInt8](repeating: 0, count: 2)
        bytes.withUnsafeMutableBytes {
            _ = FrameEncoder.writeHeader(opcode: .continuation, fin: false, payloadCount: 3, into: $0)
        }
        #expect(bytes == [0x00, 0x03])
        bytes.withUnsafeMutableBytes { _ = FrameEncoder.writeHeader(opcode: .ping, payloadCount: 0, into: $0) }
        #expect(bytes == [0x89, 0x00])
    }

    @Test func maskedHelloMatchesRFCExample() {
        let bytes = maskedFrame(.text, Array("Hello".utf8), key: [0x37, 0xFA, 0x21, 0x3D])
        #expect(bytes == [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
        var buffer = ByteBuffer()
        FrameEncoder.encodeMasked(
            opcode: .text, payload: Array("Hello".utf8), maskingKey: (0x37, 0xFA, 0x21, 0x3D), into: &buffer)
        #expect(buffer.readableBytesArray == bytes)
    }

    @Test(arguments: [0, 1, 7, 8, 9, 125, 126, 127, 65_535, 65_536, 70_001])
    func maskedRoundTripThroughDecoder(length: Int) throws {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 5) }
        var buffer = ByteBuffer()
        FrameEncoder.encodeMasked(opcode: .binary, payload: payload, maskingKey: [0x12, 0x34, 0x56, 0x78], into: &buffer)
        #expect(buffer.readableBytes == FrameEncoder.headerSize(payloadCount: length, masked: true) + length)
        var decoder = FrameDecoder(maxPayloadSize: 1 << 20)
        #expect(try decoder.next(&buffer) == Frame(opcode: .binary, payload: payload))
        #expect(buffer.readableBytes == 0)
    }

    @Test(arguments: [0, 125, 126, 65_535, 65_536])
    func unmaskedRoundTripAndSharedFrame(length: Int) throws {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var buffer = ByteBuffer()
        FrameEncoder.encode(opcode: .text, payload: payload, into: &buffer)
        let shared = FrameEncoder.sharedFrame(opcode: .text, payload: payload)
        #expect(shared.array == buffer.readableBytesArray)
        #expect(shared.count == FrameEncoder.headerSize(payloadCount: length, masked: false) + length)
        var decoder = FrameDecoder(maxPayloadSize: 1 << 20, requireMask: false)
        #expect(try decoder.next(&buffer) == Frame(opcode: .text, payload: payload))
    }

    @Test func sharedFrameFromRawPointer() {
        let payload: [UInt8] = [1, 2, 3]
        let shared = payload.withUnsafeBytes { FrameEncoder.sharedFrame(opcode: .binary, payload: $0) }
        #expect(shared.array == [0x82, 0x03, 1, 2, 3])
        #expect(FrameEncoder.sharedFrame(opcode: .ping, payload: []).array == [0x89, 0x00])
    }

    @Test func appendsAfterExistingBytes() {
        var buffer = ByteBuffer(bytes: [0xEE])
        FrameEncoder.encode(opcode: .pong, payload: [9], into: &buffer)
        #expect(buffer.readableBytesArray == [0xEE, 0x8A, 0x01, 0x09])
    }

    @Test func closePayloadLayout() {
        #expect(FrameEncoder.closePayload(code: .normalClosure, reason: "") == [0x03, 0xE8])
        #expect(FrameEncoder.closePayload(code: .heartbeatTimeout, reason: "ok") == [0x11, 0x38, 0x6F, 0x6B])
    }

    @Test func closePayloadTruncatesOnUTF8Boundary() {
        let ascii = String(repeating: "x", count: 200)
        #expect(FrameEncoder.closePayload(code: .goingAway, reason: ascii).count == 125)

        // 122 ASCII bytes then a 4-byte emoji: the emoji would straddle byte 123, so it is dropped whole.
        let reason = String(repeating: "y", count: 122) + "🎉"
        let payload = FrameEncoder.closePayload(code: .goingAway, reason: reason)
        #expect(payload.count == 2 + 122)
        var validator = UTF8Validator()
        #expect(validator.feed(Array(payload[2...])) && validator.isAtBoundary)

        let euros = String(repeating: "€", count: 60)  // 180 bytes, 3 per character
        let cut = FrameEncoder.closePayload(code: .goingAway, reason: euros)
        #expect(cut.count == 2 + 123)
        #expect(String(decoding: cut[2...], as: UTF8.self) == String(repeating: "€", count: 41))
    }
}
