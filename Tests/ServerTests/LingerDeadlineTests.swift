import Glibc
import Server
import TestSupport
import Testing

@Suite struct LingerDeadlineTests {
    /// A peer that stops reading gets an error response it never reads (less than the
    /// queue limit stuck behind full socket buffers): the connection still closes after
    /// the linger time instead of waiting forever for the queue to drain.
    @Test func aFinalResponseThatCannotBeWrittenStillClosesAfterTheLingerTime() throws {
        let clock = ManualClock()
        let server = try startServer(threads: 1, clock: clock) {
            $0.socketSendBuffer = 4096
            $0.lingerTimeout = 2
        }
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port, receiveBuffer: 4096)
        // Hundreds of pipelined requests whose answers we never read, then a bad one.
        let requests = String(repeating: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", count: 400)
        try client.send(requests + "NOT A REQUEST\r\n\r\n")
        var elapsed = 0.0
        var open = server.openConnectionCount()
        while open > 0 && elapsed < 30 {
            server.advance(clock, seconds: 0.5)
            elapsed += 0.5
            open = server.openConnectionCount()
        }
        #expect(open == 0, "the connection was still open \(elapsed) s after its final response (linger 2 s)")
        #expect(elapsed >= 2, "closed after \(elapsed) s, before the linger time")
        #expect(elapsed <= 4, "closed \(elapsed) s after a final response with a 2 s linger time")
    }
}
