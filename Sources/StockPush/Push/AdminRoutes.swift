import Digest
import HTTP1
import JSON
import Reactor
import Server

/// The admin API of the contract: stats, clients, disconnect, broadcast, manual push.
/// Every call covers the live instances of the cluster (`ClusterBus`) and says which
/// answered; each route's handler lives in `AdminRoutes+Actions` or `AdminRoutes+Reports`.
enum AdminRoutes {
    /// What every admin handler needs: the shared push state, the audit log, the cluster
    /// bus and this instance's own part (`LocalAdmin`).
    struct Context: Sendable {
        let shared: PushShared
        let audit: AuditLog?
        /// Nil without Redis (bench mode): this instance answers alone.
        let cluster: ClusterBus?
        let local: LocalAdmin
        /// Runs the group routes' queries off the loops; nil without PostgreSQL (503).
        let database: DatabaseWorker?
        /// Queues and reads notifications in Redis; nil without Redis (503).
        var notifications: NotificationService? = nil

        /// Runs `operation` on the cluster (or on `instance` only) and calls back once.
        func ask(
            _ operation: ControlMessage.Operation, _ body: JSONValue = .object([]), only instance: String? = nil,
            completion: @escaping @Sendable (ClusterBus.Answer) -> Void
        ) {
            if let cluster { return cluster.ask(operation, body, only: instance, completion: completion) }
            let me = local.instance.id
            if let instance, instance != me {
                return completion(ClusterBus.Answer(replies: [], missing: [instance], available: false))
            }
            local.perform(operation, body) { completion(ClusterBus.Answer(replies: [(me, $0)], missing: [], available: false)) }
        }
    }

    typealias AddRoute = (
        HTTPMethod, String, @escaping @Sendable (HTTPRequest, RequestContext, HTTPResponder, Context) -> Void
    ) -> Void

    static func install(
        into routes: inout Routes, shared: PushShared, audit: AuditLog?, cluster: ClusterBus?, database: DatabaseWorker?,
        notifications: NotificationService? = nil, server: @escaping @Sendable () -> HTTPServer?
    ) {
        let local =
            cluster?.local
            ?? LocalAdmin(
                shared: shared, instance: LocalInstance(id: shared.instanceID, startedAt: shared.startedAt),
                loops: { server()?.loops ?? [] })
        let context = Context(
            shared: shared, audit: audit, cluster: cluster, local: local, database: database, notifications: notifications)
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
        add(.get, "/api/websocket/clients") { request, _, responder, context in clients(request, responder, context) }
        add(.get, "/api/ws/stats") { _, _, responder, context in userStats(responder, context) }
        add(.delete, "/api/websocket/clients/{client_id}") { request, requestContext, responder, context in
            let addr = AdminLog.requester(request, requestContext, shared)
            disconnect(requestContext.parameters["client_id"] ?? "", addr: addr, responder, context)
        }
        add(.post, "/api/websocket/broadcast/test") { request, requestContext, responder, context in
            broadcast(request, addr: AdminLog.requester(request, requestContext, shared), responder, context)
        }
        add(.post, "/api/websocket/push/prices") { request, requestContext, responder, context in
            pushPrices(request, addr: AdminLog.requester(request, requestContext, shared), responder, context)
        }
        installGroups(add)
        installNotifications(into: &routes, context)
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

    /// Producers' routes (notifications, task progress): the service token or the admin
    /// token. Open only when neither is set, like the admin API without ADMIN_TOKEN.
    static func serviceAuthorized(_ request: HTTPRequest, _ shared: PushShared, _ responder: HTTPResponder) -> Bool {
        if isService(request, shared) { return true }
        responder.complete(
            .error(
                .unauthorized, code: "unauthorized",
                message: "missing or wrong token (Authorization: Bearer <SERVICE_TOKEN or ADMIN_TOKEN>)"))
        return false
    }

    /// True for the service or the admin token, or for anyone when neither is set.
    static func isService(_ request: HTTPRequest, _ shared: PushShared) -> Bool {
        let configuration = shared.configuration
        guard configuration.adminToken != nil || configuration.serviceToken != nil else { return true }
        guard let credential = request.bearerCredential else { return false }
        return [configuration.adminToken, configuration.serviceToken].contains { token in
            token.map { HMAC.secretsEqual(credential.utf8, $0.utf8) } ?? false
        }
    }

    static func isAuthorized(_ request: HTTPRequest, token: String?) -> Bool {
        guard let token else { return true }
        guard let credential = request.bearerCredential else { return false }
        return HMAC.secretsEqual(credential.utf8, token.utf8)
    }
}
