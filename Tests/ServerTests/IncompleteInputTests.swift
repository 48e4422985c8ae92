import Buffers
import Glibc
import Server
import TestSupport
import Testing
import WebSocket

/// Input that starts and never finishes costs its own bytes and has a deadline.
@Suite struct IncompleteInputTests {
    @Test func aFrameTrickledAByteAtATimeIsClosedWith1008AfterTheHeaderTimeout() throws {
        let clock = ManualClock()
        let server = try startServer(threads: 1, clock: clock) {
            $0.headerReadTimeout = 10
            $0.webSocket.heartbeatInterval = 4
            $0.webSocket.heartbeatTimeout = 300
        }
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        #expect(try client.upgrade(path: "/ws/echo").status == 101)
        // A masked text frame announcing 65,535 bytes, then one payload byte per half
        // second: always heard, never finished.
        try client.send([0x81, 0xFE, 0xFF, 0xFF, 1, 2, 3, 4])
        client.setTimeout(seconds: 0, microseconds: 20_000)
        var elapsed = 0.0
        var closing: Frame?
        while closing == nil && elapsed < 30 {
            try client.send([0x61])
            server.advance(clock, seconds: 0.5)
            elapsed += 0.5
            while closing == nil, let frame = try? client.readFrame() {
                if frame.opcode == .close { closing = frame }
            }
        }
        #expect(closing.flatMap(TestClient.closeCode) == 1008, "no close after \(elapsed) s of a trickled frame")
        #expect(elapsed >= 10, "closed after \(elapsed) s; the frame had 10 s")
        #expect(elapsed <= 12, "closed \(elapsed) s into a frame with 10 s to complete")
        let reason = closing.map { String(decoding: $0.payload.dropFirst(2), as: UTF8.self) }
        #expect(reason?.hasPrefix("frame not completed") == true, "\(reason ?? "")")
    }

    @Test func framesThatCompleteKeepTheConnectionOpen() throws {
        let server = try startServer(threads: 1) { $0.headerReadTimeout = 0.3 }
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        #expect(try client.upgrade(path: "/ws/echo").status == 101)
        for index in 0..<6 {
            // Each frame arrives in two parts 0.1 s apart; a second of them in all.
            var frame = ByteBufferFrame.masked(text: "message \(index)")
            try client.send(Array(frame.prefix(3)))
            usleep(100_000)
            frame.removeFirst(3)
            try client.send(frame)
            usleep(80_000)
            #expect(try client.readFrameSkippingPings().payload == Array("message \(index)".utf8))
        }
    }
}

enum ByteBufferFrame {
    static func masked(text: String) -> [UInt8] {
        var buffer = ByteBuffer()
        FrameEncoder.encodeMasked(opcode: .text, fin: true, payload: Array(text.utf8), maskingKey: [9, 8, 7, 6], into: &buffer)
        return buffer.readableBytesArray
    }
}
