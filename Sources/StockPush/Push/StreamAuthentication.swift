import HTTP1
import PushProtocol
import Reactor
import Server

/// Who opens a WebSocket: the JWT of `?token=` or `Authorization: Bearer` checked, the
/// same for every stream (prices, notifications, tasks). Without `JWT_SECRET` a client
/// is `anonymous` unless `REQUIRE_AUTH` refuses it.
struct StreamAuthentication {
    var user: String
    var authenticated: Bool

    /// The caller's identity, or the 401 refusal (counted in the auth-failure metric).
    static func check(_ request: HTTPRequest, shared: PushShared) -> Outcome {
        guard let verifier = shared.verifier else {
            if shared.configuration.requireAuth {
                return .failure(
                    refuse(shared, "authentication is required but the server has no JWT_SECRET to verify tokens"))
            }
            return .success(StreamAuthentication(user: "anonymous", authenticated: false))
        }
        guard let token = token(in: request) else {
            return .failure(refuse(shared, "a token is required: ?token=<jwt> or Authorization: Bearer <jwt>"))
        }
        switch verifier.verify(token, now: WallClock.nowMicroseconds() / 1_000_000) {
        case .success(let claims):
            return .success(StreamAuthentication(user: claims.subject, authenticated: true))
        case .failure(let error):
            return .failure(refuse(shared, error.message))
        }
    }

    /// The 503 every stream's handshake answers once shutdown has begun.
    static func shuttingDown() -> UpgradeDecision {
        .reject(.error(.serviceUnavailable, code: "unavailable", message: "the server is shutting down"))
    }

    /// The steps every stream's handshake starts with: the page's origin (before the
    /// token, so a foreign page learns nothing about it), the client's address (named by
    /// a trusted proxy's headers, never by anyone else's), then the JWT.
    static func admit(_ request: HTTPRequest, _ context: RequestContext, shared: PushShared) -> Admission {
        if let refusal = shared.origins.upgradeRefusal(request, peer: context.remoteAddress, metrics: shared.metrics) {
            return .refused(refusal)
        }
        let address = shared.configuration.trustedProxies.clientAddress(
            peer: context.remoteAddress.host, headers: request.headers)
        switch check(request, shared: shared) {
        case .success(let identity): return .admitted(identity, address: address)
        case .failure(let refusal): return .refused(refusal)
        }
    }

    enum Admission {
        case admitted(StreamAuthentication, address: String)
        /// The handshake's 403 or 401 answer.
        case refused(UpgradeDecision)
    }

    enum Outcome {
        case success(StreamAuthentication)
        /// The handshake's 401 answer.
        case failure(UpgradeDecision)
    }

    private static func refuse(_ shared: PushShared, _ message: String) -> UpgradeDecision {
        shared.metrics.authFailures.add(1)
        return .reject(.error(.unauthorized, code: "unauthorized", message: message))
    }

    /// `?token=` wins over the header, so browsers (which cannot set headers on a
    /// WebSocket) and tools both work.
    static func token(in request: HTTPRequest) -> String? {
        if let query = request.queryItems.first(where: { $0.name == "token" })?.value, !query.isEmpty { return query }
        return request.bearerCredential.map(String.init)
    }
}
