import Glibc
import Server
import Testing
import WebSocket

/// The slow-consumer close as a client sees it: whenever it reads again, the stream
/// is whole frames ending in close 1008, never cut inside a frame.
@Suite struct SlowConsumerCloseTests {
    /// A client that asks for a burst of 64 messages of 4,000 bytes and then reads
    /// nothing: the kernel's buffers (8 KiB send, 4 KiB receive) take a few, the rest
    /// stays queued, over the 16 KiB limit, with a message half written. (A burst rather
    /// than echoes: echoes depend on how much the client managed to send before the
    /// server stopped reading it, which a busy machine can make too little.)
    private func stallBurstClient(_ server: HTTPServer) throws -> TestClient {
        let client = try TestClient(port: server.port, receiveBuffer: 4096)
        #expect(try client.upgrade(path: "/ws/burst").status == 101)
        try client.sendText("burst")
        return client
    }

    @Test func aStalledClientThatReadsAgainFindsClose1008BehindWholeFrames() throws {
        let server = try startServer(threads: 1) {
            $0.maxQueuedBytes = 16 * 1024
            $0.socketSendBuffer = 8 * 1024
            $0.slowConsumerTimeout = 0.2
            $0.lingerTimeout = 0.3
            $0.webSocket.heartbeatInterval = 0.2
        } extraRoutes: { routes in
            routes.webSocket("/ws/burst") { _, _ in .accept(BurstHandler(count: 64, busyMicroseconds: 0)) }
        }
        defer { server.shutdown(gracePeriod: 0) }
        let client = try stallBurstClient(server)
        // Well past the timeout and the linger time: the server has given up on us.
        usleep(1_500_000)
        client.setTimeout(seconds: 5)
        var frames = 0
        var last: Frame?
        do {
            while true {
                let frame = try client.readFrame()
                frames += 1
                last = frame
                if frame.opcode == .close { break }
                #expect(frame.opcode == .ping || frame.payload.count == 4000)
            }
        } catch {
            Issue.record("stream ended after \(frames) frames without a close frame: \(error)")
        }
        #expect(last.flatMap(TestClient.closeCode) == 1008)
        #expect(last.map { String(decoding: $0.payload.dropFirst(2), as: UTF8.self) } == "slow consumer")
        #expect(client.waitForEOF())
    }
}

/// Answers any message with `count` messages of 4,000 bytes, after keeping its loop
/// busy for `busyMicroseconds` (so the loop's periodic sweep is due when they are queued).
final class BurstHandler: WebSocketHandler {
    let count: Int
    let busyMicroseconds: UInt32

    init(count: Int, busyMicroseconds: UInt32) {
        self.count = count
        self.busyMicroseconds = busyMicroseconds
    }

    func webSocket(_ connection: Connection, didReceive message: WebSocketMessage) {
        usleep(busyMicroseconds)
        let payload = [UInt8](repeating: 0x62, count: 4000)
        for _ in 0..<count { connection.send(textBytes: payload) }
    }
}

@Suite struct SlowConsumerDetectionTests {
    /// A client idle for longer than the slow-consumer timeout, then sent more than the
    /// queue limit at once (a manual push), is not a slow consumer: nothing has been
    /// waiting for it yet. It must get every message, not close 1008.
    @Test func aBurstToAnIdleClientIsNotMistakenForASlowConsumer() throws {
        let server = try startServer(threads: 1) {
            $0.maxQueuedBytes = 16 * 1024
            $0.slowConsumerTimeout = 0.5
            $0.webSocket.heartbeatInterval = 2
            $0.webSocket.heartbeatTimeout = 0.8  // sweeps every 0.2 s
        } extraRoutes: { routes in
            routes.webSocket("/ws/burst") { _, _ in .accept(BurstHandler(count: 8, busyMicroseconds: 250_000)) }
        }
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        #expect(try client.upgrade(path: "/ws/burst").status == 101)
        usleep(700_000)  // idle: nothing queued, nothing written
        try client.sendText("burst")
        for index in 0..<8 {
            let frame = try client.readFrameSkippingPings()
            guard frame.opcode == .text else {
                Issue.record("message \(index): \(frame.opcode), close code \(TestClient.closeCode(frame) ?? 0)")
                return
            }
            #expect(frame.payload.count == 4000)
        }
    }
}
