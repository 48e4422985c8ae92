import HTTP1

/// The security header fields of the HTML pages. The pages load only their own
/// scripts, styles and images and talk only to this server, so a `Content-Security-
/// Policy` can say exactly that: an injected `<script>` or inline handler does not
/// run, the page cannot be framed (clickjacking the dashboard's buttons), and data
/// cannot be sent anywhere else.
enum PageSecurity {
    /// `connect-src` names the WebSocket URLs of the request's host besides `'self'`:
    /// CSP3 browsers (Chromium, Firefox) already let `'self'` cover same-host `ws:`
    /// and `wss:`, older ones (Safari before 15.4) do not. A `Host` that is not a plain
    /// host[:port] leaves `'self'` alone, so no header text reaches the policy.
    static func contentSecurityPolicy(host: String?) -> String {
        var connect = "'self'"
        if let host, WebOrigin.authority(Substring(host)) != nil {
            connect += " ws://\(host) wss://\(host)"
        }
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src \(connect); "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }

    /// Adds the page fields to `headers`: the policy, no referrer (the board's URL may
    /// carry a `?token=`), and the legacy framing refusal for browsers without
    /// `frame-ancestors`.
    static func addPageHeaders(to headers: inout HTTPHeaders, host: String?) {
        headers.add(name: "Content-Security-Policy", value: contentSecurityPolicy(host: host))
        headers.add(name: "Referrer-Policy", value: "no-referrer")
        headers.add(name: "X-Frame-Options", value: "DENY")
    }
}
