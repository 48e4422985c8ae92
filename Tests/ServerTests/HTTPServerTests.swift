import Glibc
import HTTP1
import TestSupport
import Testing

@testable import Server

@Suite struct HTTPServerTests {
    @Test func servesHealthzAndKeepsTheConnectionAlive() throws {
        let server = try startServer()
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        for _ in 0..<3 {
            try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.body == #"{"status":"ok"}"#)
            #expect(response.header("content-type")?.hasPrefix("application/json") == true)
        }
    }

    @Test func answersPipelinedRequestsInOrder() throws {
        let server = try startServer()
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        try client.send(
            "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nHEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        #expect(try client.readResponse().status == 200)
        #expect(try client.readResponse().status == 404)
        let head = try client.readResponse(head: true)
        #expect(head.status == 200)
        #expect(head.header("content-length") == "15")
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().body == #"{"status":"ok"}"#, "no body bytes after the HEAD response")
    }

    @Test func unknownMethodOnAKnownPathIs405WithAllow() throws {
        let server = try startServer()
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        try client.send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
        let response = try client.readResponse()
        #expect(response.status == 405)
        #expect(response.header("allow")?.contains("GET") == true)
        #expect(response.body.contains("\"error\""))
    }

    @Test(arguments: [
        ("GARBAGE\r\n\r\n", 400),
        ("GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", 505),
        ("POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", 501),
        ("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n", 413),
        ("GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        ("GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 17000))\r\n\r\n", 431),
        ("GET / HTTP/1.1\r\nHost: x\r\n" + String(repeating: "X-A: 1\r\n", count: 101) + "\r\n", 431),
    ])
    func malformedRequestsGetTheirStatusAndAClose(request: String, status: Int) throws {
        let server = try startServer()
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        try? client.send(request)
        let response = try client.readResponse()
        #expect(response.status == status)
        #expect(response.header("connection")?.lowercased() == "close")
        #expect(client.waitForEOF())
        // The server is unaffected: a new client is served.
        let other = try TestClient(port: server.port)
        try other.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try other.readResponse().status == 200)
    }

    @Test func slowHeadersTimeOutWith408() throws {
        let clock = ManualClock()
        let server = try startServer(clock: clock) { $0.headerReadTimeout = 10 }
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")  // never finishes the head
        client.setTimeout(seconds: 0, microseconds: 20_000)
        var waited = 0.0
        var response: TestClient.Response?
        while response == nil && waited < 30 {
            server.advance(clock, seconds: 0.5)
            waited += 0.5
            response = try? client.readResponse()
        }
        #expect(response?.status == 408)
        #expect(waited >= 10, "408 after \(waited) s of a 10 s header timeout")
        #expect(server.metrics.requestTimeouts.current == 1, "a 408 is counted, not silent")
        client.setTimeout(seconds: 2)
        #expect(client.waitForEOF())
    }

    @Test func connectionsOverTheLimitGet503() throws {
        let server = try startServer(threads: 1) { $0.maxConnections = 2 }
        defer { server.shutdown(gracePeriod: 0) }
        let first = try TestClient(port: server.port)
        let second = try TestClient(port: server.port)
        try first.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        try second.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try first.readResponse().status == 200)
        #expect(try second.readResponse().status == 200)
        let third = try TestClient(port: server.port)
        let busy = try third.readResponse()
        #expect(busy.status == 503)
        #expect(busy.header("content-type") == "application/json")
        #expect(busy.body == #"{"error":"server_busy","message":"connection limit reached"}"#)
        #expect(third.waitForEOF())
    }

    @Test func shutdownClosesIdleConnections() throws {
        let server = try startServer()
        let client = try TestClient(port: server.port)
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        server.shutdown(gracePeriod: 2)
        #expect(client.waitForEOF())
    }
}
