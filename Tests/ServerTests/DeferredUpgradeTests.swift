import Glibc
import HTTP1
import Reactor
import Server
import Synchronization
import TestSupport
import Testing
import WebSocket

/// Upgrades decided later (the route asks another thread, as the cluster-wide
/// connection limit does): the client sees the same 101 or refusal as for an immediate
/// decision, and a client gone before the answer is reported so its place is given back.
@Suite struct DeferredUpgradeTests {
    /// A route that defers and keeps the responder until the test finishes it.
    /// Touched only on the loop, except the flags (atomics).
    final class Pending: @unchecked Sendable {
        private var finishOnLoop: (() -> Void)?
        private var handle: EventLoopHandle?
        private let held = Atomic<Bool>(false)
        private let goneFlag = Atomic<Bool>(false)

        func hold(_ responder: UpgradeResponder, _ decision: @escaping () -> UpgradeDecision) {
            handle = responder.loop.handle
            finishOnLoop = { [self] in
                responder.complete(decision()) { goneFlag.store(true, ordering: .releasing) }
            }
            held.store(true, ordering: .releasing)
        }

        var isHeld: Bool { held.load(ordering: .acquiring) }
        var gone: Bool { goneFlag.load(ordering: .acquiring) }
        func finish() { handle?.execute { _ in self.finishOnLoop?() } }
    }

    private static let request =
        "GET /ws/later HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"

    private func server(
        _ pending: Pending, headerTimeout: Double = 10, decision: @escaping @Sendable () -> UpgradeDecision
    ) throws -> HTTPServer {
        try startServer(configure: { $0.headerReadTimeout = headerTimeout }) { routes in
            routes.webSocket("/ws/later") { _, _ in
                .deferred(DeferredUpgrade { responder in pending.hold(responder, decision) })
            }
        }
    }

    @Test func aDeferredAcceptOpensTheWebSocketAndKeepsFramesSentEarly() throws {
        let pending = Pending()
        let server = try server(pending) { .accept(EchoHandler()) }
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        try client.send(Self.request)
        // A frame right behind the request waits (unread) until the decision is in.
        try client.sendText("early")
        #expect(TestEnvironment.eventually(within: 5) { pending.isHeld })
        pending.finish()
        let response = try client.readResponse()
        #expect(response.status == 101)
        #expect(response.header("sec-websocket-accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(try client.readFrame().payload == Array("early".utf8))
        try client.sendText("later")
        #expect(try client.readFrame().payload == Array("later".utf8))
        #expect(!pending.gone)
    }

    @Test func aDeferredRefusalIsSentAsItsHTTPResponse() throws {
        let pending = Pending()
        let server = try server(pending) {
            .reject(.error(.tooManyRequests, code: "too_many_connections", message: "user alice already has 3 connections"))
        }
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        try client.send(Self.request)
        #expect(TestEnvironment.eventually(within: 5) { pending.isHeld })
        pending.finish()
        let response = try client.readResponse()
        #expect(response.status == 429)
        #expect(response.body.contains(#""error":"too_many_connections""#))
        #expect(client.waitForEOF())
        #expect(!pending.gone, "a refusal that was sent is not a vanished client")
    }

    @Test func aClientGoneBeforeTheAnswerIsReportedToTheRoute() throws {
        let pending = Pending()
        let server = try server(pending) { .accept(EchoHandler()) }
        defer { server.shutdown(gracePeriod: 0) }
        var client: TestClient? = try TestClient(port: server.port)
        try client?.send(Self.request)
        #expect(TestEnvironment.eventually(within: 5) { pending.isHeld })
        // Hang up with a reset: the server hears it even though it is not reading.
        var reset = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(client!.fd, SOL_SOCKET, SO_LINGER, &reset, socklen_t(MemoryLayout<linger>.size))
        client = nil
        #expect(TestEnvironment.eventually(within: 5) { server.openConnectionCount() == 0 })
        pending.finish()
        #expect(TestEnvironment.eventually(within: 5) { pending.gone })
    }

    @Test func theHeaderTimeoutStillEndsAnUpgradeThatIsNeverDecided() throws {
        let pending = Pending()
        let server = try server(pending, headerTimeout: 0.3) { .accept(EchoHandler()) }
        defer { server.shutdown(gracePeriod: 0) }
        let client = try TestClient(port: server.port)
        try client.send(Self.request)
        let response = try client.readResponse()
        #expect(response.status == 408)
        #expect(client.waitForEOF())
        // The late answer finds nobody and says so.
        pending.finish()
        #expect(TestEnvironment.eventually(within: 5) { pending.gone })
    }
}
