import HTTP1
import Server
import Testing

@testable import StockPush

/// The origin policy as the server applies it: the option, the trusted proxy's scheme,
/// the handshake's 403 and the paths that get CORS.
@Suite struct BrowserOriginsTests {
    func configuration(_ arguments: [String], _ environment: [String: String] = [:]) throws -> PushConfiguration {
        try PushConfiguration(from: Options(arguments: arguments, specs: PushConfiguration.options, environment: environment))
    }

    func request(_ headers: HTTPHeaders, path: String = "/ws/stock/prices") -> HTTPRequest {
        HTTPRequest(method: .get, target: path, path: path, headers: headers)
    }

    @Test func theOptionAndItsEnvironmentVariable() throws {
        #expect(try configuration([]).allowedOrigins == OriginPolicy())
        let configured = try configuration([], ["ALLOWED_ORIGINS": "https://app.example.com"]).allowedOrigins
        #expect(configured.allowed == [WebOrigin(scheme: "https", host: "app.example.com")])
        #expect(try configuration(["--allowed-origins", "*"]).allowedOrigins.allowsAny)
        #expect(
            throws: UsageError.invalidValue(
                option: "--allowed-origins", value: "app.example.com",
                expected:
                    "comma-separated origins scheme://host[:port], e.g. https://app.example.com,http://localhost:3000, or *")
        ) { try configuration(["--allowed-origins", "app.example.com"]) }
    }

    @Test func aTrustedProxyTellsTheScheme() throws {
        let proxies = try TrustedProxies(parsing: "127.0.0.1/32")
        #expect(proxies.forwardedScheme(peer: "127.0.0.1", headers: ["X-Forwarded-Proto": "HTTPS"]) == "https")
        #expect(proxies.forwardedScheme(peer: "127.0.0.1", headers: ["X-Forwarded-Proto": "http, https"]) == "http")
        #expect(proxies.forwardedScheme(peer: "127.0.0.1", headers: ["X-Forwarded-Proto": "gopher"]) == nil)
        #expect(proxies.forwardedScheme(peer: "127.0.0.1", headers: [:]) == nil)
        #expect(proxies.forwardedScheme(peer: "192.0.2.1", headers: ["X-Forwarded-Proto": "https"]) == nil)
    }

    @Test func behindNginxTheForwardedSchemeDecides() throws {
        let origins = BrowserOrigins(policy: OriginPolicy(), trustedProxies: try TrustedProxies(parsing: "127.0.0.1/32"))
        let proxy = PeerAddress(host: "127.0.0.1", port: 40000)
        let https: HTTPHeaders = ["Host": "example.com", "Origin": "https://example.com", "X-Forwarded-Proto": "https"]
        #expect(origins.verdict(request(https), peer: proxy) == .sameOrigin)
        let downgraded: HTTPHeaders = ["Host": "example.com", "Origin": "http://example.com", "X-Forwarded-Proto": "https"]
        #expect(origins.verdict(request(downgraded), peer: proxy) == .refused)
        // From an untrusted peer the header is ignored: host and port alone decide.
        #expect(origins.verdict(request(downgraded), peer: PeerAddress(host: "192.0.2.1", port: 1)) == .sameOrigin)
    }

    @Test func aForeignPageGets403AndIsCounted() {
        let origins = BrowserOrigins(policy: OriginPolicy(), trustedProxies: TrustedProxies())
        let metrics = PushMetrics()
        let peer = PeerAddress(host: "192.0.2.1", port: 1)
        let foreign = request(["Host": "127.0.0.1:8000", "Origin": "http://evil.example"])
        guard case .reject(let response) = origins.upgradeRefusal(foreign, peer: peer, metrics: metrics) else {
            Issue.record("a foreign origin was not refused")
            return
        }
        #expect(response.status == .forbidden)
        #expect(String(decoding: response.body, as: UTF8.self).contains("origin_not_allowed"))
        #expect(metrics.originRefusals.current == 1)
        #expect(origins.upgradeRefusal(request(["Host": "127.0.0.1:8000"]), peer: peer, metrics: metrics) == nil)
        let own = request(["Host": "127.0.0.1:8000", "Origin": "http://127.0.0.1:8000"])
        #expect(origins.upgradeRefusal(own, peer: peer, metrics: metrics) == nil)
        #expect(metrics.originRefusals.current == 1)
    }

    @Test func corsCoversTheAPIHealthAndTheSDKButNotThePages() {
        for path in [
            "/api/websocket/stats", "/api/ws/stats", "/api/catalog", "/healthz", "/readyz", "/metrics", "/sdk/stockpush.js",
        ] {
            #expect(BrowserOrigins.isCrossOriginPath(path), "\(path)")
        }
        for path in ["/", "/admin", "/admin/index.html", "/board.js", "/ws/stock/prices", "/apix", "/sdk"] {
            #expect(!BrowserOrigins.isCrossOriginPath(path), "\(path)")
        }
    }
}
