import HTTP1
import Server

/// The route table of the StockPush server.
public enum Application {
    public static func routes(echo: Bool) -> Routes {
        var routes = Routes()
        routes.add(.get, "/healthz") { _, _ in
            .json(.ok, #"{"status":"ok"}"#)
        }
        if echo {
            routes.webSocket("/ws/echo") { _, _ in
                // Autobahn sends messages up to 16 MiB; the price stream keeps its own limit.
                .accept(EchoHandler(), maxMessageBytes: 64 << 20)
            }
        }
        return routes
    }
}
