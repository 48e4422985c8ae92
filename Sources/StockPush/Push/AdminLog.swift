import HTTP1
import Server
import Telemetry

/// One line per admin action, on the instance that received the request: who asked,
/// what, whom it targeted and how many it reached over the cluster.
enum AdminLog {
    /// `actor` is the admin token's holder (the API has one role, `admin`); `addr` the
    /// requester's address, behind a trusted proxy the forwarded one.
    static func action(
        _ action: String, targets: String, reached: Int, _ answer: ClusterBus.Answer, context: AdminRoutes.Context,
        addr: String, extra: [LogField] = []
    ) {
        context.shared.adminLogger.info(
            "admin \(action)",
            [
                LogField("actor", "admin"), LogField("addr", addr), LogField("action", action), LogField("targets", targets),
                LogField("reached", reached), LogField("instances", answer.replies.count),
                LogField("missing", answer.missing.count),
            ] + extra)
    }

    /// The requester's address as the price stream names clients (trusted proxies honoured).
    static func requester(_ request: HTTPRequest, _ context: RequestContext, _ shared: PushShared) -> String {
        shared.configuration.trustedProxies.clientAddress(peer: context.remoteAddress.host, headers: request.headers)
    }
}
