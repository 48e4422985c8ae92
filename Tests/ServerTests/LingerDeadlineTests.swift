import Glibc
import Server
import Testing

@Suite struct LingerDeadlineTests {
    /// A peer that stops reading gets an error response it never reads (less than the
    /// queue limit stuck behind full socket buffers): the connection still closes after
    /// the linger time instead of waiting forever for the queue to drain.
    @Test func aFinalResponseThatCannotBeWrittenStillClosesAfterTheLingerTime() throws {
        let server = try startServer(threads: 1) {
            $0.socketSendBuffer = 4096
            $0.lingerTimeout = 0.3
        }
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port, receiveBuffer: 4096)
        client.setTimeout(seconds: 0, microseconds: 200_000)
        // Hundreds of pipelined requests whose answers we never read, then a bad one.
        let requests = String(repeating: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", count: 400)
        try client.send(requests + "NOT A REQUEST\r\n\r\n")
        var open = 1
        let start = MonotonicSeconds.now()
        while MonotonicSeconds.now() - start < 2 {
            open = server.openConnectionCount()
            if open == 0 { break }
            usleep(50_000)
        }
        #expect(open == 0, "the connection was still open 2 s after its final response (linger 0.3 s)")
    }
}
