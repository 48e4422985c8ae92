import Buffers
import JSON
import PushProtocol
import Testing
import WebSocket

/// `ServerMessage.connectedFrame` writes the greeting in place; whatever path it takes,
/// a client must read exactly the frame the generic writer would have produced.
@Suite struct ConnectedFrameTests {
    /// The payload of `frame`, which must be exactly one unmasked, final text frame.
    func payload(of frame: SharedBytes) throws -> [UInt8] {
        var wire = ByteBuffer()
        wire.writeBytes(frame.bytes)
        var decoder = FrameDecoder(maxPayloadSize: 1 << 16, requireMask: false)
        let decoded = try #require(try decoder.next(&wire))
        #expect(wire.readableBytes == 0, "one frame, nothing after it")
        #expect(decoded.fin && decoded.opcode == .text)
        return decoded.payload
    }

    @Test func theServersGreetingIsTheContractsMessage() throws {
        let frame = ServerMessage.connectedFrame(clientID: "c_5f3a9e01", heartbeatInterval: 30, timestamp: Support.tickTime)
        #expect(
            Support.text(try payload(of: frame))
                == #"{"type":"connected","client_id":"c_5f3a9e01","message":"connected","heartbeat_interval":30,"timestamp":"2026-11-21T10:30:00.123456Z"}"#
        )
    }

    @Test(arguments: [
        "", "c_0", "c_node-1_1a", String(repeating: "x", count: 80),  // the stack path, up to its length limit
        "c_" + String(repeating: "n", count: 48) + "_ffffffffffffffff", String(repeating: "y", count: 81), "c\"1\\", "tab\there",
        "é", "\u{7F}",  // the generic path
    ])
    func everyIDGivesTheGenericWritersBytes(clientID: String) throws {
        for interval in [0, 1, 9, 10, 30, 99_999, Int.max, -1] {
            for timestamp in [0, -1, Support.tickTime, 253_402_300_799_999_999] {
                for token in [nil, ResumeToken(high: .max, low: 0x0a)] {
                    let frame = ServerMessage.connectedFrame(
                        clientID: clientID, heartbeatInterval: interval, timestamp: timestamp, resumeToken: token)
                    let expected = ServerMessage.connected(
                        clientID: clientID, heartbeatInterval: interval, timestamp: timestamp, resumeToken: token)
                    #expect(
                        try payload(of: frame) == expected,
                        "id \(clientID.debugDescription), interval \(interval), at \(timestamp), token \(String(describing: token))"
                    )
                }
            }
        }
    }

    @Test func theResumeTokenFollowsTheTimestamp() throws {
        let token = ResumeToken(high: 0x0123_4567_89ab_cdef, low: 0x10)
        let frame = ServerMessage.connectedFrame(
            clientID: "c_n_1", heartbeatInterval: 30, timestamp: Support.tickTime, resumeToken: token)
        #expect(
            Support.text(try payload(of: frame))
                == #"{"type":"connected","client_id":"c_n_1","message":"connected","heartbeat_interval":30,"timestamp":"2026-11-21T10:30:00.123456Z","resume_token":"0123456789abcdef0000000000000010"}"#
        )
    }

    @Test func anIDThatNeedsEscapingStaysValidJSON() throws {
        let frame = ServerMessage.connectedFrame(clientID: "c\"1\\\n", heartbeatInterval: 30, timestamp: 0)
        #expect(Support.json(try payload(of: frame))?["client_id"] == .string("c\"1\\\n"))
    }
}
