import Digest
import HTTP1
import JSON
import Market
import PushCore
import PushProtocol
import Reactor
import Server
import Time
import WebSocket

/// The admin API of the contract: stats, clients, disconnect, broadcast, manual push.
/// Answers that need every loop are gathered asynchronously (`ClusterQuery`).
/// The admin API of the contract: stats, clients, disconnect, broadcast, manual push.
/// Answers that need every loop are gathered asynchronously (`ClusterQuery`); each
/// route's handler lives in `AdminRoutes+Actions` or `AdminRoutes+Reports`.
enum AdminRoutes {
    /// What every admin handler needs: the shared push state, the audit log, the loops.
    struct Context: Sendable {
        let shared: PushShared
        let audit: AuditLog?
        let server: @Sendable () -> HTTPServer?

        var loops: [EventLoopHandle] { server()?.loops ?? [] }
    }

    static func install(
        into routes: inout Routes, shared: PushShared, audit: AuditLog?, server: @escaping @Sendable () -> HTTPServer?
    ) {
        let context = Context(shared: shared, audit: audit, server: server)
        func add(
            _ method: HTTPMethod, _ path: String,
            _ handler: @escaping @Sendable (HTTPRequest, RequestContext, HTTPResponder, Context) -> Void
        ) {
            routes.addAsync(method, path) { request, requestContext, responder in
                guard authorized(request, shared, responder) else { return }
                handler(request, requestContext, responder, context)
            }
        }
        add(.get, "/api/websocket/stats") { _, _, responder, context in stats(responder, context) }
        add(.get, "/api/websocket/clients") { _, _, responder, context in clients(responder, context) }
        add(.delete, "/api/websocket/clients/{client_id}") { _, requestContext, responder, context in
            disconnect(requestContext.parameters["client_id"] ?? "", responder, context)
        }
        add(.post, "/api/websocket/broadcast/test") { request, _, responder, context in
            broadcast(request, responder, context)
        }
        add(.post, "/api/websocket/push/prices") { request, _, responder, context in pushPrices(request, responder, context) }
    }

    /// With ADMIN_TOKEN set, `Authorization: Bearer <token>` is required (compared through
    /// SHA-256 digests in constant time, so neither the token nor its length leaks).
    static func authorized(_ request: HTTPRequest, _ shared: PushShared, _ responder: HTTPResponder) -> Bool {
        if isAuthorized(request, token: shared.configuration.adminToken) { return true }
        responder.complete(
            .error(
                .unauthorized, code: "unauthorized", message: "missing or wrong admin token (Authorization: Bearer <ADMIN_TOKEN>)"
            ))
        return false
    }

    static func isAuthorized(_ request: HTTPRequest, token: String?) -> Bool {
        guard let token else { return true }
        guard let credential = request.bearerCredential else { return false }
        return HMAC.secretsEqual(credential.utf8, token.utf8)
    }
}
