import Glibc
import Server
import Testing

@Suite struct KeepAliveTests {
    /// Blank lines before a request line may be ignored (RFC 9112 §2.2), but they are
    /// not a request: they must not keep an idle connection past the keep-alive timeout.
    @Test func emptyLinesDoNotKeepAnIdleConnectionAlive() throws {
        let server = try startServer(threads: 1) {
            $0.keepAliveTimeout = 0.5
            $0.webSocket.heartbeatInterval = 0.4  // sweeps every 0.1 s
        }
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        let start = MonotonicSeconds.now()
        var open = 1
        while MonotonicSeconds.now() - start < 3 {
            guard (try? client.send("\r\n")) != nil else { break }
            usleep(100_000)
            open = server.openConnectionCount()
            if open == 0 { break }
        }
        let elapsed = MonotonicSeconds.now() - start
        #expect(open == 0, "still open after \(elapsed) s of blank lines (keep-alive timeout 0.5 s)")
        #expect(elapsed >= 0.4, "closed after \(elapsed) s, before the keep-alive timeout")
    }

    @Test func aRequestAfterBlankLinesIsStillServed() throws {
        let server = try startServer(threads: 1) { $0.keepAliveTimeout = 5 }
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        try client.send("\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
    }
}
