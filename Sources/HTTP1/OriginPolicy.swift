/// Which web pages may use the server from a browser (`--allowed-origins`): its own
/// (same origin) always, plus a configured list, or any with `*`. Browsers send
/// `Origin` on every WebSocket handshake and cross-origin request, and a page
/// cannot forge it; without this check any site a logged-in user visits could open
/// the price stream or call the API with the user's token (cross-site WebSocket
/// hijacking). Requests without `Origin` come from tools, not browsers, and pass.
///
/// Pure decisions only: the caller supplies the headers and says whether the
/// request's scheme is known (`X-Forwarded-Proto` from a trusted proxy).
public struct OriginPolicy: Sendable, Equatable {
    /// `*`: any origin at all (a public, read-only deployment).
    public let allowsAny: Bool
    /// Origins allowed besides the server's own.
    public let allowed: Set<WebOrigin>

    public init(allowed: Set<WebOrigin> = [], allowsAny: Bool = false) {
        self.allowed = allowed
        self.allowsAny = allowsAny
    }

    /// A comma-separated list of origins (`https://app.example.com,http://localhost:3000`),
    /// or `*`; blank means only the same origin.
    public init(parsing text: String) throws(OriginPolicyError) {
        var allowed: Set<WebOrigin> = []
        var any = false
        for entry in text.split(separator: ",") {
            let trimmed = entry.trimmingSpaces
            if trimmed.isEmpty { continue }
            if trimmed == "*" {
                any = true
                continue
            }
            guard let origin = WebOrigin(trimmed) else { throw .invalidEntry(String(trimmed)) }
            allowed.insert(origin)
        }
        self.init(allowed: allowed, allowsAny: any)
    }

    /// What the policy says about one request.
    public enum Verdict: Sendable, Equatable {
        /// No `Origin` header: not a browser, nothing to decide.
        case noOrigin
        /// The page comes from this server (its origin matches the request's `Host`).
        case sameOrigin
        /// Another origin, configured (or `*`).
        case allowed
        /// Another origin, not configured: refuse (403) or send no CORS headers.
        case refused

        /// True when the request may go ahead.
        public var permits: Bool { self != .refused }
        /// True when a response should carry CORS headers naming the origin.
        public var grantsCORS: Bool { self == .sameOrigin || self == .allowed }
    }

    /// Decides for a request with header values `origin` and `host`. `scheme` is the
    /// request's scheme when it is known for sure (`X-Forwarded-Proto` from a trusted
    /// proxy): the origin's must then match it. Otherwise only host and port are
    /// compared, since a TLS terminator the server was not told about may be in front
    /// (the threat is another site, not the same site over the other scheme).
    public func evaluate(origin: String?, host: String?, scheme: String? = nil) -> Verdict {
        guard let origin else { return .noOrigin }
        guard let parsed = WebOrigin(Substring(origin)) else { return allowsAny ? .allowed : .refused }
        if let host, Self.isSameOrigin(parsed, host: Substring(host), scheme: scheme) { return .sameOrigin }
        return allowsAny || allowed.contains(parsed) ? .allowed : .refused
    }

    /// The origin's host equals the `Host` header's, and so does the port: the `Host`
    /// port, or without one the default port of the request's scheme (when known) or
    /// of the origin's own scheme (when not).
    static func isSameOrigin(_ origin: WebOrigin, host: Substring, scheme: String?) -> Bool {
        guard let authority = WebOrigin.authority(host) else { return false }
        guard WebOrigin.lowercased(authority.host) == origin.host else { return false }
        if let scheme {
            guard origin.scheme == scheme, let defaultPort = WebOrigin.defaultPort(scheme) else { return false }
            return origin.port == (authority.port ?? defaultPort)
        }
        return origin.port == (authority.port ?? WebOrigin.defaultPort(origin.scheme))
    }
}

/// Why `--allowed-origins` was refused: the entry that is not `scheme://host[:port]`.
public enum OriginPolicyError: Error, Equatable {
    case invalidEntry(String)
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
