/// The CORS header fields of the HTTP API (Fetch standard, "CORS protocol"), built
/// from an `OriginPolicy` verdict. The allowed origin is always echoed, never `*`,
/// so a response cannot be read by a page the policy did not name even if a
/// browser sends credentials; `Vary: Origin` goes on every response whose CORS
/// headers depend on the request, so a shared cache never hands one origin's
/// answer to another.
public enum CORS {
    /// What the API answers to (HEAD with GET; OPTIONS is the preflight itself).
    public static let allowedMethods = "GET, HEAD, POST, DELETE, OPTIONS"
    /// The admin token travels as `Authorization: Bearer`; bodies are JSON.
    public static let allowedHeaders = "Authorization, Content-Type"
    /// Seconds a browser may reuse a preflight answer (Chromium caps it at 7200).
    public static let maxAgeSeconds = 600

    /// Header fields for the route's response: the echoed origin when the verdict
    /// grants CORS, and `Vary: Origin` in any case.
    public static func responseHeaders(origin: String?, verdict: OriginPolicy.Verdict) -> HTTPHeaders {
        var headers = HTTPHeaders([("Vary", "Origin")])
        if verdict.grantsCORS, let origin {
            headers.add(name: "Access-Control-Allow-Origin", value: origin)
        }
        return headers
    }

    /// True for a CORS preflight: `OPTIONS` with `Origin` and
    /// `Access-Control-Request-Method` (a plain OPTIONS is routed as usual).
    public static func isPreflight(_ request: HTTPRequest) -> Bool {
        request.method == .options && request.headers.contains(name: "Origin")
            && request.headers.contains(name: "Access-Control-Request-Method")
    }

    /// 204 with the allowed methods and headers for a permitted origin; 403 with a
    /// JSON body and no CORS fields (so the browser blocks the real request) otherwise.
    public static func preflightResponse(origin: String, verdict: OriginPolicy.Verdict) -> HTTPResponse {
        guard verdict.grantsCORS else {
            var response = HTTPResponse.error(
                .forbidden, code: "origin_not_allowed",
                message: "origin \(origin) is not allowed (the server's ALLOWED_ORIGINS)")
            response.headers.add(name: "Vary", value: "Origin")
            return response
        }
        return HTTPResponse(
            status: .noContent,
            headers: HTTPHeaders([
                ("Access-Control-Allow-Origin", origin),
                ("Access-Control-Allow-Methods", allowedMethods),
                ("Access-Control-Allow-Headers", allowedHeaders),
                ("Access-Control-Max-Age", String(maxAgeSeconds)),
                ("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
            ]))
    }
}
