import Glibc
import Server
import TestSupport
import Testing
import WebSocket

@Suite struct WebSocketServerTests {
    @Test func handshakeAnswersWithTheRFCAcceptValue() throws {
        let server = try startServer()
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        let response = try client.upgrade(path: "/ws/echo")
        #expect(response.status == 101)
        #expect(response.header("sec-websocket-accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(response.header("upgrade")?.lowercased() == "websocket")
    }

    @Test func echoesTextBinaryAndFragmentedMessages() throws {
        let server = try startServer()
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        #expect(try client.upgrade(path: "/ws/echo").status == 101)
        try client.sendText("héllo")
        var frame = try client.readFrame()
        #expect(frame.opcode == .text && frame.payload == Array("héllo".utf8))
        try client.sendFrame(.binary, [0, 1, 255])
        frame = try client.readFrame()
        #expect(frame.opcode == .binary && frame.payload == [0, 1, 255])
        try client.sendFrame(.text, Array("ab".utf8), fin: false)
        try client.sendFrame(.ping, [7])
        try client.sendFrame(.continuation, Array("cd".utf8), fin: true)
        frame = try client.readFrame()
        #expect(frame.opcode == .pong && frame.payload == [7])
        frame = try client.readFrame()
        #expect(frame.opcode == .text && frame.payload == Array("abcd".utf8))
        let big = (0..<200_000).map { UInt8(truncatingIfNeeded: $0) }
        try client.sendFrame(.binary, big)
        frame = try client.readFrame()
        #expect(frame.payload == big)
    }

    @Test func closeHandshakeEchoesTheCodeAndClosesTCP() throws {
        let server = try startServer()
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        #expect(try client.upgrade(path: "/ws/echo").status == 101)
        try client.sendFrame(.close, FrameEncoder.closePayload(code: .normalClosure, reason: "bye"))
        let frame = try client.readFrame()
        #expect(TestClient.closeCode(frame) == 1000)
        #expect(client.waitForEOF())
    }

    @Test(arguments: [
        ("unmasked", UInt16(1002)),
        ("reserved bit", 1002),
        ("invalid utf8", 1007),
        ("bad close code", 1002),
        ("unknown opcode", 1002),
    ])
    func protocolViolationsCloseWithTheirCode(kind: String, expected: UInt16) throws {
        let server = try startServer()
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        let healthy = try TestClient(port: server.port)
        #expect(try client.upgrade(path: "/ws/echo").status == 101)
        #expect(try healthy.upgrade(path: "/ws/echo").status == 101)
        switch kind {
        case "unmasked": try client.sendFrame(.text, Array("x".utf8), masked: false)
        case "reserved bit": try client.sendFrame(.text, Array("x".utf8), rsv: 4)
        case "invalid utf8":
            try client.sendFrame(.text, [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80])
        case "bad close code": try client.sendFrame(.close, [0x03, 0xED])  // 1005 must never be sent
        default: try client.sendFrame(Opcode(rawValue: 3), [1])
        }
        let frame = try client.readFrame()
        #expect(frame.opcode == .close)
        #expect(TestClient.closeCode(frame) == expected)
        #expect(client.waitForEOF())
        // Other clients are unaffected.
        try healthy.sendText("still here")
        #expect(try healthy.readFrame().payload == Array("still here".utf8))
    }

    @Test func oversizeMessagesClose1009() throws {
        let server = try startServer(configure: { $0.webSocket.maxMessageBytes = 1024 }) { routes in
            routes.webSocket("/ws/small") { _, _ in .accept(SmallEchoHandler()) }
        }
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        #expect(try client.upgrade(path: "/ws/small").status == 101)
        try client.sendFrame(.text, Array(repeating: 0x61, count: 600), fin: false)
        try client.sendFrame(.continuation, Array(repeating: 0x61, count: 600), fin: true)
        let frame = try client.readFrame()
        #expect(TestClient.closeCode(frame) == 1009)
    }

    @Test(arguments: [
        ("Sec-WebSocket-Version: 8\r\n", 426),
        ("", 400),
    ])
    func badHandshakesAreRefused(header: String, status: Int) throws {
        let server = try startServer()
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        let key = status == 400 ? "" : "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        try client.send(
            "GET /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\(key)\(header.isEmpty ? "Sec-WebSocket-Version: 13\r\n" : header)\r\n"
        )
        let response = try client.readResponse()
        #expect(response.status == status)
        if status == 426 { #expect(response.header("sec-websocket-version") == "13") }
    }

    @Test func plainGetOnAWebSocketPathIs426() throws {
        let server = try startServer()
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        try client.send("GET /ws/echo HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 426)
        #expect(response.header("upgrade")?.lowercased() == "websocket")
    }

    @Test func heartbeatPingsAndClosesSilentClientsWith4408() throws {
        let clock = ManualClock()
        let server = try startServer(clock: clock) {
            $0.webSocket.heartbeatInterval = 30
            $0.webSocket.heartbeatTimeout = 60
        }
        defer { server.shutdown(gracePeriod: 0) }
        let silent = try TestClient(port: server.port)
        let lively = try TestClient(port: server.port)
        #expect(try silent.upgrade(path: "/ws/echo").status == 101)
        #expect(try lively.upgrade(path: "/ws/echo").status == 101)
        silent.setTimeout(seconds: 0, microseconds: 10_000)
        lively.setTimeout(seconds: 0, microseconds: 10_000)
        // Five-second steps: the lively client answers every ping, the silent one never.
        var elapsed = 0.0
        var pings = 0
        var closing: Frame?
        while closing == nil && elapsed < 120 {
            server.advance(clock, seconds: 5)
            elapsed += 5
            while let frame = try? lively.readFrame() {
                #expect(frame.opcode == .ping)
                pings += 1
                try lively.sendFrame(.pong, frame.payload)
            }
            while closing == nil, let frame = try? silent.readFrame() {
                if frame.opcode == .close { closing = frame }
            }
        }
        #expect(pings >= 1, "no ping in \(elapsed) s at a 30 s interval")
        #expect(closing.flatMap(TestClient.closeCode) == 4408)
        #expect(elapsed >= 60, "closed after \(elapsed) s of a 60 s timeout")
        #expect(elapsed <= 70, "still open \(elapsed) s into a 60 s timeout")
        lively.setTimeout(seconds: 2)
        try lively.sendText("alive")
        #expect(try lively.readFrameSkippingPings().payload == Array("alive".utf8))
    }

    @Test func aClientThatStopsReadingIsThrottledNotBuffered() throws {
        let server = try startServer { $0.maxQueuedBytes = 256 * 1024 }
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        #expect(try client.upgrade(path: "/ws/echo").status == 101)
        client.setTimeout(seconds: 1)
        // Echo 64 MiB without reading any of it: the server must stop reading once its
        // queue is full, so our sends block long before everything is accepted.
        let message = [UInt8](repeating: 0x42, count: 64 * 1024)
        var sent = 0
        do {
            for _ in 0..<1024 {
                try client.sendFrame(.binary, message)
                sent += message.count
            }
        } catch {}
        #expect(sent < 32 << 20, "server accepted \(sent) bytes from a client that never reads")
    }

    @Test func shutdownSendsGoingAway() throws {
        let server = try startServer()
        let client = try TestClient(port: server.port)
        #expect(try client.upgrade(path: "/ws/echo").status == 101)
        server.shutdown(gracePeriod: 1)
        let frame = try client.readFrameSkippingPings()
        #expect(TestClient.closeCode(frame) == 1001)
        #expect(client.waitForEOF())
    }
}

enum MonotonicSeconds {
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
