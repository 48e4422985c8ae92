import Deflate
import Server
import Testing
import WebSocket

/// permessage-deflate over real sockets: negotiated only when the server has it on,
/// client messages inflated, replies compressed when that shrinks them.
@Suite struct CompressionTests {
    static let offer = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
    static let json = Array(String(repeating: #"{"code":"600519","price":1688.00},"#, count: 40).utf8)

    func compress(_ bytes: [UInt8]) -> [UInt8] {
        let deflater = MessageDeflater()
        return withExtendedLifetime(deflater) { bytes.withUnsafeBytes { Array(deflater.compress($0)) } }
    }

    func inflate(_ payload: [UInt8], with inflater: MessageInflater) throws -> [UInt8] {
        var output: [UInt8] = []
        try payload.withUnsafeBytes { try inflater.inflate($0, into: &output, limit: 1 << 20) }
        try inflater.finishMessage(into: &output, limit: 1 << 20)
        return output
    }

    @Test func anEchoServerWithDeflateOnCompressesBothWays() throws {
        let server = try startServer { $0.webSocket.deflate = true }
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        let response = try client.upgrade(path: "/ws/echo", extraHeaders: Self.offer)
        #expect(response.status == 101)
        #expect(
            response.header("sec-websocket-extensions")
                == "permessage-deflate; server_no_context_takeover; client_max_window_bits=9")
        let inflater = MessageInflater(windowBits: 15)
        for _ in 0..<3 {
            try client.sendFrame(.text, compress(Self.json), rsv: 4)
            let echo = try client.readFrame()
            #expect(echo.rsv == 4 && echo.opcode == .text)
            #expect(echo.payload.count < Self.json.count / 4)
            #expect(try inflate(echo.payload, with: inflater) == Self.json)
        }
        // Too small to gain from compression: echoed plain. Control frames never compress.
        try client.sendFrame(.text, Array("x".utf8))
        let small = try client.readFrame()
        #expect(small.rsv == 0 && small.payload == Array("x".utf8))
        try client.sendFrame(.ping, Self.json.prefix(100).map { $0 })
        let pong = try client.readFrame()
        #expect(pong.opcode == .pong && pong.rsv == 0)
    }

    @Test func withDeflateOffTheOfferIsDeclinedAndRSV1Fails1002() throws {
        let server = try startServer()
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        let response = try client.upgrade(path: "/ws/echo", extraHeaders: Self.offer)
        #expect(response.status == 101)
        #expect(response.header("sec-websocket-extensions") == nil)
        try client.sendFrame(.text, compress(Self.json), rsv: 4)
        #expect(TestClient.closeCode(try client.readFrame()) == 1002)
    }
}
