import Glibc
import Server
import Testing
import WebSocket

/// The slow-consumer close as a client sees it: whenever it reads again, the stream
/// is whole frames ending in close 1008, never cut inside a frame.
@Suite struct SlowConsumerCloseTests {
    /// Echoes 4 KiB messages to a client that stops reading, so the server's queue goes
    /// over the limit with a message half written.
    private func stallEchoClient(_ server: HTTPServer) throws -> TestClient {
        let client = try TestClient(port: server.port, receiveBuffer: 4096)
        #expect(try client.upgrade(path: "/ws/echo").status == 101)
        client.setTimeout(seconds: 0, microseconds: 200_000)
        let message = [UInt8](repeating: 0x61, count: 4000)
        do {
            for _ in 0..<64 { try client.sendFrame(.text, message) }
        } catch {}  // the server stopped reading: enough is queued
        return client
    }

    @Test func aStalledClientThatReadsAgainFindsClose1008BehindWholeFrames() throws {
        let server = try startServer(threads: 1) {
            $0.maxQueuedBytes = 16 * 1024
            $0.socketSendBuffer = 8 * 1024
            $0.slowConsumerTimeout = 0.2
            $0.lingerTimeout = 0.3
            $0.webSocket.heartbeatInterval = 0.2
        }
        defer { server.shutdown(gracePeriod: 0) }
        let client = try stallEchoClient(server)
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
