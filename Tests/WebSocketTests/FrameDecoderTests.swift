import Buffers
import Testing

@testable import WebSocket

@Suite struct FrameDecoderTests {
    static let hello = Array("Hello".utf8)

    func decodeOne(_ bytes: [UInt8], requireMask: Bool = true) throws -> Frame? {
        var decoder = FrameDecoder(maxPayloadSize: 1 << 20, requireMask: requireMask)
        var buffer = ByteBuffer(bytes: bytes)
        let frame = try decoder.next(&buffer)
        #expect(buffer.readableBytes == 0, "exactly one frame consumed")
        return frame
    }

    // MARK: RFC 6455 section 5.7 examples

    @Test func unmaskedHello() throws {
        let frame = try decodeOne([0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F], requireMask: false)
        #expect(frame == Frame(fin: true, opcode: .text, payload: Self.hello))
    }

    @Test func maskedHello() throws {
        let frame = try decodeOne([0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
        #expect(frame == Frame(fin: true, opcode: .text, payload: Self.hello))
    }

    @Test func fragmentedHello() throws {
        var decoder = FrameDecoder(maxPayloadSize: 1024, requireMask: false)
        var buffer = ByteBuffer(bytes: [0x01, 0x03, 0x48, 0x65, 0x6C, 0x80, 0x02, 0x6C, 0x6F])
        let frames = try decodeAll(&decoder, &buffer)
        #expect(
            frames == [
                Frame(fin: false, opcode: .text, payload: Array("Hel".utf8)),
                Frame(fin: true, opcode: .continuation, payload: Array("lo".utf8)),
            ])
    }

    @Test func pingAndMaskedPong() throws {
        let ping = try decodeOne([0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F], requireMask: false)
        #expect(ping == Frame(opcode: .ping, payload: Self.hello))
        let pong = try decodeOne([0x8A, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
        #expect(pong == Frame(opcode: .pong, payload: Self.hello))
    }

    @Test func binary256With16BitLength() throws {
        let payload = (0..<256).map { UInt8($0) }
        let frame = try decodeOne([0x82, 0x7E, 0x01, 0x00] + payload, requireMask: false)
        #expect(frame == Frame(opcode: .binary, payload: payload))
    }

    @Test func binary64KiBWith64BitLength() throws {
        let payload = (0..<65536).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let frame = try decodeOne([0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00] + payload, requireMask: false)
        #expect(frame == Frame(opcode: .binary, payload: payload))
    }

    // MARK: Incomplete input and framing details

    @Test func needsMoreBytesAndConsumesNothing() throws {
        let bytes = maskedFrame(.text, Self.hello)
        for length in 0..<bytes.count {
            var decoder = FrameDecoder(maxPayloadSize: 1024)
            var buffer = ByteBuffer(bytes: bytes[0..<length])
            #expect(try decoder.next(&buffer) == nil)
            #expect(buffer.readableBytes == length)
        }
    }

    @Test func leavesFollowingBytesInBuffer() throws {
        var decoder = FrameDecoder(maxPayloadSize: 1024)
        var buffer = ByteBuffer(bytes: maskedFrame(.text, Self.hello) + [0x81])
        #expect(try decoder.next(&buffer) == Frame(opcode: .text, payload: Self.hello))
        #expect(buffer.readableBytesArray == [0x81])
        #expect(try decoder.next(&buffer) == nil)
    }

    @Test func acceptsNonMinimalLengths() throws {
        let key: [UInt8] = [1, 2, 3, 4]
        let masked = zip(Self.hello, [1, 2, 3, 4, 1] as [UInt8]).map { $0 ^ $1 }
        let sixteen = try decodeOne([0x81, 0xFE, 0x00, 0x05] + key + masked)
        #expect(sixteen == Frame(opcode: .text, payload: Self.hello))
        let sixtyFour = try decodeOne([0x81, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0x05] + key + masked)
        #expect(sixtyFour == Frame(opcode: .text, payload: Self.hello))
    }

    @Test func emptyPayloadAndFinFlag() throws {
        #expect(try decodeOne(maskedFrame(.binary, fin: false, [])) == Frame(fin: false, opcode: .binary, payload: []))
        #expect(try decodeOne(maskedFrame(.close, [])) == Frame(opcode: .close, payload: []))
    }

    @Test func reservedBitsSet() {
        #expect(decodeError([0xC1, 0x80, 0, 0, 0, 0]) == .reservedBitsSet)
        #expect(decodeError([0xA1]) == .reservedBitsSet)
        #expect(decodeError([0x91]) == .reservedBitsSet)
    }

    // MARK: Errors, each detected as soon as the header reveals it

    @Test(arguments: [3, 4, 5, 6, 7, 11, 12, 13, 14, 15] as [UInt8])
    func unknownOpcode(raw: UInt8) {
        #expect(decodeError([0x80 | raw]) == .unknownOpcode(raw))
    }

    @Test func unmaskedFrameRejectedWhenMaskRequired() {
        #expect(decodeError([0x81, 0x05]) == .unmaskedFrame)
        #expect(decodeError([0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F], requireMask: false) == nil)
    }

    @Test func fragmentedControlFrame() {
        #expect(decodeError([0x09]) == .fragmentedControlFrame)
        #expect(decodeError([0x08]) == .fragmentedControlFrame)
        #expect(decodeError([0x0A]) == .fragmentedControlFrame)
    }

    @Test func controlFrameTooLong() {
        #expect(decodeError([0x89, 0xFE]) == .controlFrameTooLong(126))
        #expect(decodeError([0x88, 0xFF]) == .controlFrameTooLong(127))
        // 125 is the largest allowed control payload.
        #expect(decodeError(maskedFrame(.ping, [UInt8](repeating: 7, count: 125))) == nil)
    }

    @Test func lengthHighBitSet() {
        #expect(decodeError([0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0]) == .lengthHighBitSet)
    }

    @Test func frameTooLargeBeforePayloadArrives() {
        #expect(decodeError([0x82, 0xFE, 0x04, 0x01], maxPayloadSize: 1024) == .frameTooLarge(1025))
        #expect(decodeError([0x82, 0xFF, 0, 0, 0, 0x01, 0, 0, 0, 0], maxPayloadSize: 1024) == .frameTooLarge(1 << 32))
        #expect(decodeError([0x82, 0x8B], maxPayloadSize: 10) == .frameTooLarge(11))
        #expect(decodeError(maskedFrame(.binary, [UInt8](repeating: 0, count: 10)), maxPayloadSize: 10) == nil)
    }

    @Test func errorConsumesNothing() {
        var decoder = FrameDecoder(maxPayloadSize: 16)
        var buffer = ByteBuffer(bytes: [0x83, 0x80])
        #expect(throws: WebSocketError.unknownOpcode(3)) { try decoder.next(&buffer) }
        #expect(buffer.readableBytes == 2)
    }

    // MARK: Split at every byte

    /// A mix of frame shapes: 7-bit and 16-bit lengths, empty, control and fragmented frames.
    static let sequence: [Frame] = [
        Frame(fin: false, opcode: .text, payload: Array("Hel".utf8)),
        Frame(opcode: .ping, payload: Array("are you there".utf8)),
        Frame(fin: true, opcode: .continuation, payload: Array("lo, wörld 🎉".utf8)),
        Frame(opcode: .binary, payload: []),
        Frame(opcode: .binary, payload: (0..<300).map { UInt8(truncatingIfNeeded: $0) }),
        Frame(opcode: .pong, payload: [1, 2, 3]),
        Frame(opcode: .close, payload: FrameEncoder.closePayload(code: .normalClosure, reason: "bye")),
    ]

    static func encode(_ frames: [Frame]) -> [UInt8] {
        frames.enumerated().flatMap { index, frame in
            maskedFrame(frame.opcode, fin: frame.fin, frame.payload, key: [UInt8(index), 0x5A, 0xA5, 0xFF])
        }
    }

    /// Feeds `chunks` one at a time, decoding after each, and returns every frame produced.
    static func decodeChunked(_ chunks: [ArraySlice<UInt8>]) throws -> [Frame] {
        var decoder = FrameDecoder(maxPayloadSize: 1 << 20)
        var buffer = ByteBuffer()
        var frames: [Frame] = []
        for chunk in chunks {
            buffer.writeBytes(chunk)
            frames += try decodeAll(&decoder, &buffer)
        }
        #expect(buffer.readableBytes == 0)
        return frames
    }

    @Test func everySplitPointYieldsTheSameFrames() throws {
        let bytes = Self.encode(Self.sequence)
        for split in 0...bytes.count {
            let frames = try Self.decodeChunked([bytes[0..<split], bytes[split...]])
            #expect(frames == Self.sequence, "split at \(split)")
        }
    }

    @Test func byteByByteYieldsTheSameFrames() throws {
        let bytes = Self.encode(Self.sequence)
        let frames = try Self.decodeChunked(bytes.indices.map { bytes[$0...$0] })
        #expect(frames == Self.sequence)
    }

    @Test func byteByByteWith64BitLength() throws {
        let sequence = [
            Frame(opcode: .binary, payload: (0..<65_536).map { UInt8(truncatingIfNeeded: $0 / 3) }),
            Frame(opcode: .text, payload: Array("after".utf8)),
        ]
        let bytes = Self.encode(sequence)
        let frames = try Self.decodeChunked(bytes.indices.map { bytes[$0...$0] })
        #expect(frames == sequence)
    }
}
