import Testing

@testable import WebSocket

@Suite struct CloseCodeTests {
    @Test(
        arguments: [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000, 4408, 4999] as [UInt16])
    func validOnWire(code: UInt16) {
        #expect(CloseCode(rawValue: code).isValidOnWire)
    }

    @Test(arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535] as [UInt16])
    func invalidOnWire(code: UInt16) {
        #expect(!CloseCode(rawValue: code).isValidOnWire)
    }

    @Test func namedCodes() {
        #expect(CloseCode.normalClosure.rawValue == 1000)
        #expect(CloseCode.noStatusReceived.rawValue == 1005)
        #expect(CloseCode.messageTooBig.rawValue == 1009)
        #expect(CloseCode.heartbeatTimeout.rawValue == 4408)
        #expect(CloseCode.heartbeatTimeout.isValidOnWire)
    }

    @Test func errorsMapToCloseCodes() {
        #expect(WebSocketError.invalidUTF8.closeCode == .invalidPayload)
        #expect(WebSocketError.messageTooLarge(10).closeCode == .messageTooBig)
        #expect(WebSocketError.frameTooLarge(10).closeCode == .messageTooBig)
        #expect(WebSocketError.unmaskedFrame.closeCode == .protocolError)
        #expect(WebSocketError.invalidCloseCode(1005).closeCode == .protocolError)
    }

    @Test func opcodeClassification() {
        #expect(Opcode.close.isControl && Opcode.ping.isControl && Opcode.pong.isControl)
        #expect(!Opcode.text.isControl && !Opcode.binary.isControl && !Opcode.continuation.isControl)
        for raw in UInt8(0)...15 {
            #expect(Opcode(rawValue: raw).isKnown == [0, 1, 2, 8, 9, 10].contains(raw))
        }
    }
}
