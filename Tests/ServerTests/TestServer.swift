import HTTP1
import Server
import Telemetry
import WebSocket

/// Starts a real server on an ephemeral port for one test, serving `/healthz` and,
/// with `echo`, `/ws/echo` (as the application does).
func startServer(
    threads: Int = 2, echo: Bool = true, configure: (inout ServerConfiguration) -> Void = { _ in },
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
    return try HTTPServer(configuration: configuration, routes: routes, logger: Logger(label: "test", minimumLevel: .error))
}

/// Echo with a small message limit, for the 1009 test.
final class SmallEchoHandler: WebSocketHandler {
    func webSocket(_ connection: Connection, didReceive message: WebSocketMessage) {
        if case .text(let bytes) = message { connection.send(textBytes: bytes) }
    }
}
