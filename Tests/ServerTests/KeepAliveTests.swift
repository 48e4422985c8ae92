import Glibc
import Server
import TestSupport
import Testing

@Suite struct KeepAliveTests {
    /// Blank lines before a request line may be ignored (RFC 9112 §2.2), but they are
    /// not a request: they must not keep an idle connection past the keep-alive timeout.
    @Test func emptyLinesDoNotKeepAnIdleConnectionAlive() throws {
        let clock = ManualClock()
        let server = try startServer(threads: 1, clock: clock) { $0.keepAliveTimeout = 60 }
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        var elapsed = 0.0
        var open = 1
        while elapsed < 120 {
            guard (try? client.send("\r\n")) != nil else { break }
            server.advance(clock, seconds: 5)
            elapsed += 5
            open = server.openConnectionCount()
            if open == 0 { break }
        }
        #expect(open == 0, "still open after \(elapsed) s of blank lines (keep-alive timeout 60 s)")
        #expect(elapsed >= 60, "closed after \(elapsed) s, before the keep-alive timeout")
        #expect(elapsed <= 70, "closed \(elapsed) s into a 60 s keep-alive timeout")
    }

    @Test func aRequestAfterBlankLinesIsStillServed() throws {
        let server = try startServer(threads: 1) { $0.keepAliveTimeout = 5 }
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        try client.send("\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
    }
}
