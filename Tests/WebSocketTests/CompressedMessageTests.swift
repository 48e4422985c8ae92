import Buffers
import Deflate
import Testing

@testable import WebSocket

/// The frame rules of RFC 7692 6 and the inflation of client messages.
@Suite struct CompressedMessageTests {
    static let takeover = DeflateAgreement(
        clientMaxWindowBits: 15, clientNoContextTakeover: false, serverWindowAsked: false, clientWindowOffered: false)
    static let noTakeover = DeflateAgreement(
        clientMaxWindowBits: 15, clientNoContextTakeover: true, serverWindowAsked: false, clientWindowOffered: false)

    static func compress(_ text: String) -> [UInt8] { compress(Array(text.utf8)) }
    static func compress(_ bytes: [UInt8]) -> [UInt8] {
        // The result is a view into the deflater's buffer: it must outlive the copy.
        let deflater = MessageDeflater()
        return withExtendedLifetime(deflater) { bytes.withUnsafeBytes { Array(deflater.compress($0)) } }
    }

    static func compressedFrame(_ opcode: Opcode, _ payload: [UInt8], fin: Bool = true) -> Frame {
        Frame(fin: fin, rsv: 4, opcode: opcode, payload: payload)
    }

    @Test func aCompressedTextMessageIsDeliveredInflated() {
        var state = WebSocketConnectionState(maxMessageSize: 1024, deflate: Self.takeover)
        let message = #"{"type":"subscribe","subscription_type":"stock","targets":["600519"]} 🎉"#
        #expect(state.receive(Self.compressedFrame(.text, Self.compress(message))) == .deliver(.text(Array(message.utf8))))
        // Context takeover: the inflater stays for the next message, which may be plain.
        #expect(state.holdsInflater)
        #expect(state.receive(Frame(opcode: .text, payload: Array("plain".utf8))) == .deliver(.text(Array("plain".utf8))))
        #expect(state.receive(Self.compressedFrame(.binary, Self.compress([1, 2, 3]))) == .deliver(.binary([1, 2, 3])))
    }

    @Test func withoutContextTakeoverTheInflaterGoesAfterEachMessage() {
        var state = WebSocketConnectionState(maxMessageSize: 1024, deflate: Self.noTakeover)
        #expect(!state.holdsInflater)
        #expect(state.receive(Self.compressedFrame(.text, Self.compress("one"))) == .deliver(.text(Array("one".utf8))))
        #expect(!state.holdsInflater)
        #expect(state.receive(Self.compressedFrame(.text, Self.compress("two"))) == .deliver(.text(Array("two".utf8))))
    }

    @Test func aFragmentedCompressedMessageCarriesRSV1OnItsFirstFrameOnly() {
        var state = WebSocketConnectionState(maxMessageSize: 1 << 16, deflate: Self.takeover)
        let message = String(repeating: "price 1688.00 ", count: 200)
        let compressed = Self.compress(message)
        let cut = compressed.count / 2
        #expect(state.receive(Self.compressedFrame(.text, Array(compressed[..<cut]), fin: false)) == .none)
        #expect(state.receive(Frame(opcode: .ping, payload: [])) == .sendPong([]))
        #expect(
            state.receive(Frame(fin: true, opcode: .continuation, payload: Array(compressed[cut...])))
                == .deliver(.text(Array(message.utf8))))
    }

    @Test func rsv1OnAContinuationOrControlFrameFails1002() {
        var continuation = WebSocketConnectionState(maxMessageSize: 1024, deflate: Self.takeover)
        _ = continuation.receive(Self.compressedFrame(.text, [], fin: false))
        let action = continuation.receive(Frame(fin: true, rsv: 4, opcode: .continuation, payload: []))
        #expect(action == .fail(.compressedBitMisplaced))
        #expect(WebSocketError.compressedBitMisplaced.closeCode == .protocolError)

        var control = WebSocketConnectionState(maxMessageSize: 1024, deflate: Self.takeover)
        #expect(control.receive(Frame(rsv: 4, opcode: .ping, payload: [])) == .fail(.compressedBitMisplaced))
    }

    @Test func rsv1WithoutTheExtensionAndRSV2WithItFail() {
        var plain = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(plain.receive(Self.compressedFrame(.text, Self.compress("x"))) == .fail(.reservedBitsSet))
        var deflate = WebSocketConnectionState(maxMessageSize: 1024, deflate: Self.takeover)
        #expect(deflate.receive(Frame(rsv: 2, opcode: .text, payload: [])) == .fail(.reservedBitsSet))
    }

    @Test func badDeflateDataFails1007() {
        var state = WebSocketConnectionState(maxMessageSize: 1024, deflate: Self.takeover)
        guard case .fail(let error) = state.receive(Self.compressedFrame(.text, [0xFF, 0xFF, 0xFF])) else {
            Issue.record("bad deflate data was accepted")
            return
        }
        #expect(error.closeCode == .invalidPayload)
        #expect(!state.holdsInflater)
    }

    @Test func aMessageInflatingPastTheLimitFails1009() {
        var state = WebSocketConnectionState(maxMessageSize: 4096, deflate: Self.takeover)
        let bomb = Self.compress([UInt8](repeating: 0x61, count: 1 << 20))
        #expect(bomb.count < 4096)
        let action = state.receive(Self.compressedFrame(.text, bomb))
        #expect(action == .fail(.inflatedMessageTooLarge(limit: 4096)))
        #expect(WebSocketError.inflatedMessageTooLarge(limit: 4096).closeCode == .messageTooBig)
    }

    @Test func utf8IsCheckedOnTheInflatedText() {
        var state = WebSocketConnectionState(maxMessageSize: 1024, deflate: Self.takeover)
        #expect(state.receive(Self.compressedFrame(.text, Self.compress([0x61, 0xC0, 0xAF]))) == .fail(.invalidUTF8))
        // Invalid as text, fine as binary.
        var binary = WebSocketConnectionState(maxMessageSize: 1024, deflate: Self.takeover)
        #expect(binary.receive(Self.compressedFrame(.binary, Self.compress([0xC0, 0xAF]))) == .deliver(.binary([0xC0, 0xAF])))
    }

    @Test func compressedTextIsNotCheckedOnTheWire() {
        let state = WebSocketConnectionState(maxMessageSize: 1024, deflate: Self.takeover)
        let partial = PartialFrame(opcode: .text, rsv: 4, fin: true, payloadLength: 10, availablePayload: 5)
        #expect(!state.carriesText(partial))
    }

    @Test func theDecoderAcceptsRSV1OnlyWhenAllowed() throws {
        var frame = maskedFrame(.text, Self.compress("hi"))
        frame[0] |= 0x40
        #expect(decodeError(frame) == .reservedBitsSet)
        var decoder = FrameDecoder(maxPayloadSize: 1024, allowsRSV1: true)
        var buffer = ByteBuffer(bytes: frame)
        #expect(try decoder.next(&buffer)?.rsv == 4)
        var rsv2 = frame
        rsv2[0] = (rsv2[0] & 0x8F) | 0x20
        var rsv2Buffer = ByteBuffer(bytes: rsv2)
        #expect(throws: WebSocketError.reservedBitsSet) { try decoder.next(&rsv2Buffer) }
    }

    @Test func serverFramesCompressWhenThatShrinksThem() throws {
        let deflater = MessageDeflater()
        let json = Array(String(repeating: #"{"code":"600519"},"#, count: 20).utf8)
        let frame = try #require(
            json.withUnsafeBytes { FrameEncoder.compressedFrame(opcode: .text, payload: $0, deflater: deflater) })
        #expect(frame.bytes[0] == 0xC1)  // FIN, RSV1, text
        let recompressed = try #require(
            FrameEncoder.compressedFrame(of: FrameEncoder.sharedFrame(opcode: .text, payload: json), deflater: deflater))
        #expect(recompressed.array == frame.array)
        #expect(
            Array("x".utf8).withUnsafeBytes { FrameEncoder.compressedFrame(opcode: .text, payload: $0, deflater: deflater) }
                == nil)
        #expect(
            FrameEncoder.compressedFrame(of: FrameEncoder.sharedFrame(opcode: .ping, payload: json), deflater: deflater) == nil)
        // The client's view: the frame's payload inflates to the JSON.
        var state = WebSocketConnectionState(maxMessageSize: 4096, deflate: Self.takeover)
        let payload = Array(frame.bytes[2...])
        #expect(state.receive(Self.compressedFrame(.text, payload)) == .deliver(.text(json)))
    }
}
