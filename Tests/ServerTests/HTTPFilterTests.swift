import HTTP1
import TestSupport
import Testing

@testable import Server

/// The filter runs around every HTTP route: its answer comes before routing, its
/// header fields reach plain, asynchronous, 404 and 405 responses, never upgrades.
@Suite struct HTTPFilterTests {
    func startFiltered() throws -> HTTPServer {
        try startServer(extraRoutes: { routes in
            routes.addAsync(.get, "/later") { _, _, responder in responder.complete(.text(.ok, "later")) }
            routes.filter = HTTPFilter(
                answer: { request, _ in
                    request.path == "/healthz" ? HTTPResponse(status: .noContent, headers: ["X-Answered": "yes"]) : nil
                },
                headers: { request, _ in ["X-Filtered": request.path] })
        })
    }

    @Test func headersReachEveryKindOfResponse() throws {
        let server = try startFiltered()
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        for (request, status, path) in [
            ("GET /healthz", 200, "/healthz"), ("GET /later", 200, "/later"), ("GET /nope", 404, "/nope"),
            ("POST /healthz", 405, "/healthz"),
        ] {
            try client.send("\(request) HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == status, "\(request)")
            #expect(response.header("x-filtered") == path, "\(request)")
        }
    }

    @Test func theAnswerComesBeforeRoutingForOptionsOnly() throws {
        let server = try startFiltered()
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        try client.send("OPTIONS /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let answered = try client.readResponse(head: true)
        #expect(answered.status == 204 && answered.header("x-answered") == "yes" && answered.header("x-filtered") == nil)
        // No answer: routed as usual (405, with the filter's fields).
        try client.send("OPTIONS /later HTTP/1.1\r\nHost: x\r\n\r\n")
        let routed = try client.readResponse()
        #expect(routed.status == 405 && routed.header("x-filtered") == "/later")
    }
}
