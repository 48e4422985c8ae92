import HTTP1
import PushCore
import Server

/// The handshake of `/api/ws/notifications`: the page's origin, the user's JWT (as on the
/// price stream), the per-address limit, then the loop's `LoopNotify` as handler.
/// Without `JWT_SECRET` (development) `?user=` names the user, else `anonymous`.
enum NotificationRoute {
    static func upgrade(_ request: HTTPRequest, _ context: RequestContext, shared: PushShared) -> UpgradeDecision {
        guard shared.isRunning else {
            return StreamAuthentication.shuttingDown()
        }
        guard let notify = context.loop.attached(LoopNotify.self) else {
            return .reject(
                .error(.serviceUnavailable, code: "unavailable", message: "notifications need Redis; this server runs without"))
        }
        let identity: StreamAuthentication
        let address: String
        switch StreamAuthentication.admit(request, context, shared: shared) {
        case .admitted(let checked, let from): (identity, address) = (checked, from)
        case .refused(let refusal): return refusal
        }
        var user = identity.user
        if !identity.authenticated, let named = request.queryItems.first(where: { $0.name == "user" })?.value {
            guard GroupRepository.isValidUser(named) else {
                return .reject(.error(.badRequest, code: "invalid_parameter", message: "user must be a user id"))
            }
            user = named
        }
        // The per-user limit is the price stream's; a notification stream counts per address.
        if shared.limits.admit(address: address) != nil { return PriceStreamRoute.addressRefusal(address, shared) }
        notify.arriving[context.connectionID] = LoopNotify.StreamClient(
            clientID: ClientInfo.clientID(context.connectionID, instance: shared.instanceID), user: user,
            address: address)
        return .accept(notify)
    }
}
