import Testing

@testable import WebSocket

@Suite struct WebSocketConnectionStateTests {
    static func text(_ string: String, fin: Bool = true) -> Frame { Frame(fin: fin, opcode: .text, payload: Array(string.utf8)) }
    static func continuation(_ bytes: [UInt8], fin: Bool) -> Frame { Frame(fin: fin, opcode: .continuation, payload: bytes) }
    static func close(_ code: UInt16, _ reason: [UInt8] = []) -> Frame {
        Frame(opcode: .close, payload: [UInt8(code >> 8), UInt8(code & 0xFF)] + reason)
    }

    @Test func deliversSingleFrames() {
        var state = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(state.receive(Self.text("hi 🎉")) == .deliver(.text(Array("hi 🎉".utf8))))
        #expect(state.receive(Frame(opcode: .binary, payload: [0xFF, 0x00])) == .deliver(.binary([0xFF, 0x00])))
        #expect(state.receive(Frame(opcode: .text, payload: [])) == .deliver(.text([])))
        #expect(!state.isClosing)
    }

    @Test func pingAndPong() {
        var state = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(state.receive(Frame(opcode: .ping, payload: [1, 2])) == .sendPong([1, 2]))
        #expect(state.receive(Frame(opcode: .pong, payload: [3])) == .pongReceived([3]))
    }

    @Test func fragmentedTextWithPingInBetween() {
        var state = WebSocketConnectionState(maxMessageSize: 1024)
        let euro: [UInt8] = [0xE2, 0x82, 0xAC]
        #expect(state.receive(Frame(fin: false, opcode: .text, payload: [0x61, euro[0]])) == .none)
        #expect(state.receive(Frame(opcode: .ping, payload: Array("p".utf8))) == .sendPong(Array("p".utf8)))
        #expect(state.receive(Self.continuation([euro[1]], fin: false)) == .none)
        #expect(state.receive(Self.continuation([euro[2], 0x62], fin: true)) == .deliver(.text([0x61] + euro + [0x62])))
        // The next message starts fresh.
        #expect(state.receive(Self.text("next")) == .deliver(.text(Array("next".utf8))))
    }

    @Test func fragmentedBinaryWithEmptyFragments() {
        var state = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(state.receive(Frame(fin: false, opcode: .binary, payload: [])) == .none)
        #expect(state.receive(Self.continuation([0xFF], fin: false)) == .none)
        #expect(state.receive(Self.continuation([], fin: true)) == .deliver(.binary([0xFF])))
    }

    @Test func continuationWithoutStart() {
        var state = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(state.receive(Self.continuation([1], fin: true)) == .fail(.unexpectedContinuation))
        #expect(WebSocketError.unexpectedContinuation.closeCode == .protocolError)
    }

    @Test func newDataFrameMidMessage() {
        var state = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(state.receive(Self.text("a", fin: false)) == .none)
        #expect(state.receive(Frame(opcode: .binary, payload: [1])) == .fail(.expectedContinuation))
    }

    @Test func invalidUTF8InMiddleFragmentFailsAtThatFragment() {
        var state = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(state.receive(Self.text("ok ", fin: false)) == .none)
        #expect(state.receive(Self.continuation([0xF4], fin: false)) == .none)
        #expect(state.receive(Self.continuation([0x90, 0x80, 0x80], fin: false)) == .fail(.invalidUTF8))
        // After a failure everything is ignored.
        #expect(state.receive(Self.continuation(Array("x".utf8), fin: true)) == .none)
        #expect(state.receive(Frame(opcode: .ping, payload: [])) == .none)
        #expect(state.isClosing && state.isClosed)
    }

    @Test func invalidUTF8InFirstFragmentAndTruncatedEnd() {
        var first = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(first.receive(Frame(fin: false, opcode: .text, payload: [0xC0, 0x80])) == .fail(.invalidUTF8))
        var truncated = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(truncated.receive(Frame(opcode: .text, payload: [0x61, 0xE2, 0x82])) == .fail(.invalidUTF8))
        var truncatedFragments = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(truncatedFragments.receive(Frame(fin: false, opcode: .text, payload: [0xE2])) == .none)
        #expect(truncatedFragments.receive(Self.continuation([0x82], fin: true)) == .fail(.invalidUTF8))
    }

    @Test func binaryIsNotValidatedAsText() {
        var state = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(state.receive(Frame(opcode: .binary, payload: [0xFF, 0xFE])) == .deliver(.binary([0xFF, 0xFE])))
    }

    @Test func messageSizeLimit() {
        var single = WebSocketConnectionState(maxMessageSize: 4)
        #expect(single.receive(Frame(opcode: .binary, payload: [1, 2, 3, 4])) == .deliver(.binary([1, 2, 3, 4])))
        #expect(single.receive(Frame(opcode: .binary, payload: [1, 2, 3, 4, 5])) == .fail(.messageTooLarge(5)))

        var fragmented = WebSocketConnectionState(maxMessageSize: 4)
        #expect(fragmented.receive(Frame(fin: false, opcode: .binary, payload: [1, 2])) == .none)
        #expect(fragmented.receive(Self.continuation([3, 4], fin: false)) == .none)
        #expect(fragmented.receive(Self.continuation([5], fin: true)) == .fail(.messageTooLarge(5)))
        #expect(WebSocketError.messageTooLarge(5).closeCode == .messageTooBig)
    }

    @Test func peerInitiatedClose() {
        var state = WebSocketConnectionState(maxMessageSize: 1024)
        let action = state.receive(Self.close(1000, Array("bye".utf8)))
        #expect(action == .replyCloseAndShutdown(code: .normalClosure, reason: "bye"))
        #expect(state.isClosing && state.isClosed)
        #expect(state.receive(Self.text("late")) == .none)
        #expect(state.close(code: .goingAway, reason: "") == .none)
    }

    @Test func peerCloseWithoutCode() {
        var state = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(state.receive(Frame(opcode: .close, payload: [])) == .replyCloseAndShutdown(code: nil, reason: ""))
    }

    @Test func peerCloseDuringFragmentedMessage() {
        var state = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(state.receive(Self.text("part", fin: false)) == .none)
        #expect(state.receive(Self.close(1001)) == .replyCloseAndShutdown(code: .goingAway, reason: ""))
    }

    @Test func serverInitiatedClose() {
        var state = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(state.close(code: .heartbeatTimeout, reason: "no pong") == .sendClose(code: .heartbeatTimeout, reason: "no pong"))
        #expect(state.isClosing && !state.isClosed)
        #expect(state.close(code: .goingAway, reason: "again") == .none)
        // Data frames are ignored until the peer's close arrives.
        #expect(state.receive(Self.text("ignored")) == .none)
        #expect(state.receive(Frame(opcode: .binary, payload: [1])) == .none)
        #expect(state.receive(Self.continuation([1], fin: true)) == .none)
        #expect(state.receive(Self.close(4408)) == .closeTransport)
        #expect(state.isClosed)
        #expect(state.receive(Self.close(1000)) == .none)
    }

    @Test func serverCloseDropsPartialMessage() {
        var state = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(state.receive(Self.text("half", fin: false)) == .none)
        #expect(state.close(code: .goingAway, reason: "shutdown") == .sendClose(code: .goingAway, reason: "shutdown"))
        #expect(state.receive(Self.continuation(Array("rest".utf8), fin: true)) == .none)
        #expect(state.receive(Frame(opcode: .close, payload: [])) == .closeTransport)
    }

    @Test(arguments: [1005, 1006, 999, 1004, 5000, 0, 1015, 2999] as [UInt16])
    func invalidCloseCodes(code: UInt16) {
        var state = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(state.receive(Self.close(code)) == .fail(.invalidCloseCode(code)))
        #expect(WebSocketError.invalidCloseCode(code).closeCode == .protocolError)
    }

    @Test(arguments: [1000, 1012, 3000, 4999] as [UInt16])
    func validCloseCodes(code: UInt16) {
        var state = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(state.receive(Self.close(code)) == .replyCloseAndShutdown(code: CloseCode(rawValue: code), reason: ""))
    }

    @Test func closeWithOneBytePayload() {
        var state = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(state.receive(Frame(opcode: .close, payload: [0x03])) == .fail(.invalidClosePayload))
        #expect(WebSocketError.invalidClosePayload.closeCode == .protocolError)
    }

    @Test func closeReasonWithInvalidUTF8() {
        var state = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(state.receive(Self.close(1000, [0x61, 0xFF])) == .fail(.invalidUTF8))
        var truncated = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(truncated.receive(Self.close(1000, [0xE2, 0x82])) == .fail(.invalidUTF8))
    }

    @Test func closeAfterOurCloseIsStillValidated() {
        var state = WebSocketConnectionState(maxMessageSize: 1024)
        _ = state.close(code: .normalClosure, reason: "")
        #expect(state.receive(Self.close(1005)) == .fail(.invalidCloseCode(1005)))
    }

    @Test func pingAfterOurCloseIsNotAnswered() {
        var state = WebSocketConnectionState(maxMessageSize: 1024)
        _ = state.close(code: .normalClosure, reason: "")
        #expect(state.receive(Frame(opcode: .ping, payload: [1])) == .none)
    }

    @Test func rejectsFramesTheDecoderWouldHaveRejected() {
        var rsv = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(rsv.receive(Frame(rsv: 4, opcode: .text, payload: [])) == .fail(.reservedBitsSet))
        var control = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(control.receive(Frame(fin: false, opcode: .ping, payload: [])) == .fail(.fragmentedControlFrame))
        var unknown = WebSocketConnectionState(maxMessageSize: 1024)
        #expect(unknown.receive(Frame(opcode: Opcode(rawValue: 3), payload: [])) == .fail(.unknownOpcode(3)))
    }
}
