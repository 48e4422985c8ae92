import HTTP1
import Server

/// The server's side of `OriginPolicy`: reads a request's `Origin`, `Host` and (from
/// trusted proxies only) `X-Forwarded-Proto`, and turns the verdict into a 403 for
/// the price stream's handshake and into CORS headers for the HTTP API.
struct BrowserOrigins: Sendable {
    let policy: OriginPolicy
    let trustedProxies: TrustedProxies

    /// Paths whose responses carry CORS headers: the admin API, the health and metrics
    /// endpoints a dashboard on another origin may poll, and the SDK, which is an ES
    /// module (`<script type="module">` and `import` fetch cross-origin in CORS mode).
    /// The pages need none: nobody else's page reads them.
    static func isCrossOriginPath(_ path: String) -> Bool {
        path.hasPrefix("/api/") || path.hasPrefix("/sdk/") || path == "/healthz" || path == "/readyz"
            || path == "/metrics"
    }

    func verdict(_ request: HTTPRequest, peer: PeerAddress) -> OriginPolicy.Verdict {
        // Most handshakes come from tools or servers without `Origin`: decided at once.
        guard let origin = request.headers["Origin"] else { return .noOrigin }
        let scheme = trustedProxies.forwardedScheme(peer: peer.host, headers: request.headers)
        return policy.evaluate(origin: origin, host: request.headers["Host"], scheme: scheme)
    }

    /// The 403 for a WebSocket handshake from a page the policy does not allow; nil
    /// when it may go on. Browsers do not apply CORS to WebSockets, so this check is
    /// the only thing keeping other sites' pages off the stream.
    func upgradeRefusal(_ request: HTTPRequest, peer: PeerAddress, metrics: PushMetrics) -> UpgradeDecision? {
        guard verdict(request, peer: peer) == .refused else { return nil }
        metrics.originRefusals.add(1)
        let origin = request.headers["Origin"] ?? ""
        return .reject(
            .error(
                .forbidden, code: "origin_not_allowed",
                message: "pages from \(origin) may not open this stream: it is not this server's origin nor in ALLOWED_ORIGINS"
            ))
    }

    /// CORS for the HTTP API: preflights answered before routing, the echoed origin on
    /// the responses to permitted ones, `Vary: Origin` on all of those paths.
    func filter(metrics: PushMetrics) -> HTTPFilter {
        HTTPFilter(
            answer: { request, context in
                guard Self.isCrossOriginPath(request.path), CORS.isPreflight(request),
                    let origin = request.headers["Origin"]
                else { return nil }
                let verdict = verdict(request, peer: context.remoteAddress)
                if !verdict.grantsCORS { metrics.corsRefusals.add(1) }
                return CORS.preflightResponse(origin: origin, verdict: verdict)
            },
            headers: { request, context in
                guard Self.isCrossOriginPath(request.path) else { return HTTPHeaders() }
                return CORS.responseHeaders(
                    origin: request.headers["Origin"], verdict: verdict(request, peer: context.remoteAddress))
            })
    }
}
