import Testing

@testable import HTTP1

@Suite struct CORSTests {
    @Test func aPermittedOriginIsEchoedNeverStarred() {
        let headers = CORS.responseHeaders(origin: "https://app.example.com", verdict: .allowed)
        #expect(headers["Access-Control-Allow-Origin"] == "https://app.example.com")
        #expect(headers["Vary"] == "Origin")
        #expect(headers["Access-Control-Allow-Credentials"] == nil)
    }

    @Test func aRefusedOrAbsentOriginGetsOnlyVary() {
        for (origin, verdict) in [("http://evil.example", OriginPolicy.Verdict.refused), (nil, .noOrigin)] {
            let headers = CORS.responseHeaders(origin: origin, verdict: verdict)
            #expect(headers.pairs.map(\.name) == ["Vary"])
        }
    }

    @Test func preflightFor204AndRefusal403() {
        let ok = CORS.preflightResponse(origin: "http://localhost:3000", verdict: .allowed)
        #expect(ok.status == .noContent && ok.body.isEmpty)
        #expect(ok.headers["Access-Control-Allow-Origin"] == "http://localhost:3000")
        #expect(ok.headers["Access-Control-Allow-Methods"]?.contains("DELETE") == true)
        #expect(ok.headers["Access-Control-Allow-Headers"] == "Authorization, Content-Type")
        #expect(ok.headers["Access-Control-Max-Age"] == "600")
        #expect(ok.headers["Vary"]?.hasPrefix("Origin") == true)
        let refused = CORS.preflightResponse(origin: "http://evil.example", verdict: .refused)
        #expect(refused.status == .forbidden)
        #expect(!refused.headers.contains { $0.name.hasPrefix("Access-Control-") })
        #expect(refused.bodyText.contains(#""error":"origin_not_allowed""#))
    }

    @Test func onlyAnOptionsWithOriginAndRequestMethodIsAPreflight() {
        let headers: HTTPHeaders = ["Origin": "http://a.example", "Access-Control-Request-Method": "GET"]
        #expect(CORS.isPreflight(HTTPRequest(method: .options, target: "/api/x", path: "/api/x", headers: headers)))
        #expect(!CORS.isPreflight(HTTPRequest(method: .get, target: "/api/x", path: "/api/x", headers: headers)))
        #expect(
            !CORS.isPreflight(
                HTTPRequest(method: .options, target: "/api/x", path: "/api/x", headers: ["Origin": "http://a.example"])))
    }
}

extension HTTPResponse {
    fileprivate var bodyText: String { String(decoding: body, as: UTF8.self) }
}
