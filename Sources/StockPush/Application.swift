import HTTP1
import JSON
import Reactor
import Server
import Synchronization

/// The route table of the StockPush server.
public enum Application {
    public static func routes(
        echo: Bool, health: DependencyHealth? = nil, push: PushShared? = nil, audit: AuditLog? = nil,
        database: DatabaseWorker? = nil, cluster: ClusterBus? = nil, notifications: NotificationService? = nil,
        site: StaticSite = .empty, server: @escaping @Sendable () -> HTTPServer? = { nil }
    ) -> Routes {
        var routes = Routes()
        site.install(into: &routes)
        if let push {
            routes.filter = push.origins.filter(metrics: push.metrics)
            routes.webSocket("/ws/stock/prices") { request, context in
                PriceStreamRoute.upgrade(request, context, shared: push)
            }
            routes.webSocket("/api/ws/notifications") { request, context in
                NotificationRoute.upgrade(request, context, shared: push)
            }
            AdminRoutes.install(
                into: &routes, shared: push, audit: audit, cluster: cluster, database: database, notifications: notifications,
                server: server)
            MetricsRoute.install(into: &routes, shared: push, server: server)
            CatalogRoute.install(into: &routes, shared: push)
        }
        routes.add(.get, "/healthz") { _, _ in
            .json(.ok, #"{"status":"ok"}"#)
        }
        if let health {
            routes.add(.get, "/readyz") { _, _ in readiness(health, draining: push.map { !$0.isRunning } ?? false) }
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
    /// what is down and why. 503 `draining` from the moment shutdown starts, so a
    /// proxy stops sending new clients while the current ones are still served.
    static func readiness(_ health: DependencyHealth, draining: Bool = false) -> HTTPResponse {
        let ready = health.isReady && !draining
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("status")
        writer.string(draining ? "draining" : ready ? "ready" : "unavailable")
        for dependency in DependencyHealth.Dependency.allCases {
            let status = health.status(dependency)
            writer.key(escaping: dependency.rawValue)
            writer.string(status.isUp ? "ok" : status.reason)
        }
        writer.endObject()
        return .json(ready ? .ok : .serviceUnavailable, writer)
    }
}

/// Lets routes reach the server that serves them (it is created after its routes).
public final class ServerReference: Sendable {
    private let server = Mutex<HTTPServer?>(nil)
    public init() {}
    public func set(_ value: HTTPServer) { server.withLock { $0 = value } }
    public func get() -> HTTPServer? { server.withLock { $0 } }
}
