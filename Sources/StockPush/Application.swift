import HTTP1
import Server

/// The route table of the StockPush server.
public enum Application {
    public static func routes(echo: Bool, health: DependencyHealth? = nil) -> Routes {
        var routes = Routes()
        routes.add(.get, "/healthz") { _, _ in
            .json(.ok, #"{"status":"ok"}"#)
        }
        if let health {
            routes.add(.get, "/readyz") { _, _ in readiness(health) }
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

extension Application {
    /// 200 when Redis and PostgreSQL answered at the last attempt, else 503 naming
    /// what is down and why.
    static func readiness(_ health: DependencyHealth) -> HTTPResponse {
        var parts: [String] = []
        for dependency in DependencyHealth.Dependency.allCases {
            let status = health.status(dependency)
            parts.append("\(JSONString.escape(dependency.rawValue)):\(JSONString.escape(status.isUp ? "ok" : status.reason))")
        }
        let ready = health.isReady
        let body = "{\"status\":\(ready ? "\"ready\"" : "\"unavailable\""),\(parts.joined(separator: ","))}"
        return .json(ready ? .ok : .serviceUnavailable, body)
    }
}
