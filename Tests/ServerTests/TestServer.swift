import Glibc
import HTTP1
import Server
import Synchronization
import Telemetry
import TestSupport
import WebSocket

/// Starts a real server on an ephemeral port for one test, serving `/healthz` and,
/// with `echo`, `/ws/echo` (as the application does).
func startServer(
    threads: Int = 2, echo: Bool = true, clock: ManualClock? = nil,
    configure: (inout ServerConfiguration) -> Void = { _ in },
    extraRoutes: (inout Routes) -> Void = { _ in }
) throws -> HTTPServer {
    var configuration = ServerConfiguration()
    configuration.host = "127.0.0.1"
    configuration.port = 0
    configuration.threads = threads
    configure(&configuration)
    var routes = Routes()
    routes.add(.get, "/healthz") { _, _ in .json(.ok, #"{"status":"ok"}"#) }
    if echo {
        routes.webSocket("/ws/echo") { _, _ in .accept(EchoHandler(), maxMessageBytes: 64 << 20) }
    }
    extraRoutes(&routes)
    let logger = Logger(label: "test", minimumLevel: .error)
    guard let clock else { return try HTTPServer(configuration: configuration, routes: routes, logger: logger) }
    return try HTTPServer(configuration: configuration, routes: routes, logger: logger, clock: clock)
}

extension HTTPServer {
    /// Moves a manual clock on and wakes every loop, so its timers (the sweep) run at
    /// the new time; returns once each loop has been round once more after that.
    func advance(_ clock: ManualClock, seconds: Double) {
        clock.advance(seconds: seconds)
        for _ in 0..<2 {
            let woke = LoopLatch(count: loops.count)
            for handle in loops { handle.execute { _ in woke.arrive() } }
            woke.wait()
        }
    }
}

/// Counts arrivals from loop threads; `wait` spins politely until all came.
final class LoopLatch: Sendable {
    private let remaining: Atomic<Int>

    init(count: Int) { remaining = Atomic(count) }

    func arrive() { remaining.subtract(1, ordering: .releasing) }

    func wait() {
        while remaining.load(ordering: .acquiring) > 0 { usleep(1000) }
    }
}

/// Echo with a small message limit, for the 1009 test.
final class SmallEchoHandler: WebSocketHandler {
    func webSocket(_ connection: Connection, didReceive message: WebSocketMessage) {
        if case .text(let bytes) = message { connection.send(textBytes: bytes) }
    }
}
