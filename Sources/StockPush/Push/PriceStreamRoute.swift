import HTTP1
import PushCore
import PushProtocol
import Reactor
import Server

/// The handshake of `/ws/stock/prices`: the page's origin (`ALLOWED_ORIGINS`), authentication (JWT from `?token=` or
/// `Authorization: Bearer`), connection limits, then the loop's `LoopPush` as handler.
enum PriceStreamRoute {
    static func upgrade(_ request: HTTPRequest, _ context: RequestContext, shared: PushShared) -> UpgradeDecision {
        guard let push = context.loop.attached(LoopPush.self), shared.isRunning else {
            return StreamAuthentication.shuttingDown()
        }
        let identity: StreamAuthentication
        let address: String
        switch StreamAuthentication.admit(request, context, shared: shared) {
        case .admitted(let checked, let from): (identity, address) = (checked, from)
        case .refused(let refusal): return refusal
        }
        let user = identity.user
        let authenticated = identity.authenticated
        switch shared.limits.admit(user: user, authenticated: authenticated, address: address) {
        case .user:
            return userRefusal(user, shared)
        case .address:
            return addressRefusal(address, shared)
        case nil:
            break
        }
        let info = ClientInfo(
            instance: shared.instanceID, connection: context.connectionID, user: user, authenticated: authenticated,
            remoteAddress: address,
            connectedAt: WallClock.nowMicroseconds(), resumeToken: shared.sessions != nil ? ResumeToken.random() : nil)
        if authenticated, let cluster = shared.cluster {
            // Counted here already; what the other instances hold is asked of Redis, off the loop.
            let connectionID = context.connectionID
            return .deferred(
                DeferredUpgrade { responder in
                    push.awaitClusterVerdict(info, connectionID: connectionID, responder: responder, cluster: cluster)
                })
        }
        push.expect(info, connectionID: context.connectionID)
        return .accept(push)
    }

    /// How long a handshake waits for the cluster count before the local one decides.
    static let clusterDeadlineNanoseconds: UInt64 = 500_000_000

    /// The per-user refusal, the same whether this instance or the cluster is full.
    static func userRefusal(_ user: String, _ shared: PushShared) -> UpgradeDecision {
        shared.metrics.limitRefusals.add(1)
        return .reject(
            .error(
                .tooManyRequests, code: "too_many_connections",
                message: "user \(user) already has \(shared.configuration.maxConnectionsPerUser) connections"))
    }

    /// The per-address refusal, the same on every stream.
    static func addressRefusal(_ address: String, _ shared: PushShared) -> UpgradeDecision {
        shared.metrics.limitRefusals.add(1)
        return .reject(
            .error(
                .tooManyRequests, code: "too_many_connections",
                message: "\(address) already has \(shared.configuration.maxConnectionsPerIP) connections"))
    }
}
