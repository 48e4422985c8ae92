import HTTPGrammar

/// Maps method + path to a handler. Patterns are `/`-separated segments where `{name}`
/// matches any one non-empty segment, e.g. `/api/websocket/clients/{client_id}`.
/// Literal segments win over parameters; a trailing slash is significant.
/// Matching runs on the percent-decoded path, so `%2F` inside a segment splits it.
public struct Router<Handler> {
    private var root = RouteNode<Handler>()
    /// Patterns without parameters, by exact path: one hash lookup answers most
    /// requests (every WebSocket handshake) without splitting the path. The trie
    /// stays the authority; this only short-cuts its first candidate.
    @usableFromInline var exact: [String: [ExactRoute<Handler>]] = [:]

    public init() {}

    /// Registers `handler`; a later registration for the same method and pattern replaces it.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, _ handler: Handler) {
        root.insert(segments: Self.segments(pattern)[...], method: method, handler: handler)
        guard !pattern.contains("{") else { return }
        var handlers = exact[pattern] ?? []
        handlers.removeAll { $0.method == method }
        handlers.append(ExactRoute(method: method, handler: handler))
        exact[pattern] = handlers
    }

    /// HEAD falls back to the GET handler (the server omits the body). Inlinable so the
    /// exact-path lookup, which answers every handshake, is specialized for the
    /// caller's handler type instead of running through generic metadata.
    @inlinable
    public func match(method: HTTPMethod, path: String) -> RouteMatch<Handler> {
        // An all-literal match is the trie's first candidate: when it has the method, it wins.
        if path.utf8.first == UInt8(ascii: "/"), let handlers = exact[path] {
            for route in handlers where route.method == method { return .found(route.handler, parameters: [:]) }
            if method == .head {
                for route in handlers where route.method == .get { return .found(route.handler, parameters: [:]) }
            }
        }
        return matchTrie(method: method, path: path)
    }

    @usableFromInline
    func matchTrie(method: HTTPMethod, path: String) -> RouteMatch<Handler> {
        guard path.utf8.first == ASCII.slash else { return .notFound }
        var candidates: [(node: RouteNode<Handler>, parameters: [String: String])] = []
        root.collect(segments: Self.segments(path)[...], parameters: [:], into: &candidates)
        for candidate in candidates {
            if let handler = candidate.node.handler(for: method) ?? (method == .head ? candidate.node.handler(for: .get) : nil) {
                return .found(handler, parameters: candidate.parameters)
            }
        }
        var allowed: [HTTPMethod] = []
        for candidate in candidates {
            for method in candidate.node.allowedMethods where !allowed.contains(method) {
                allowed.append(method)
            }
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    /// "/a/b" -> ["a", "b"], "/" -> [], "/a/" -> ["a", ""].
    private static func segments(_ path: String) -> [Substring] {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.first == "" { parts.removeFirst() }
        if parts == [""] { return [] }
        return parts
    }
}

extension Router: Sendable where Handler: Sendable {}

/// One method's handler for a parameterless pattern (`Router.exact`).
@usableFromInline
struct ExactRoute<Handler> {
    @usableFromInline let method: HTTPMethod
    @usableFromInline let handler: Handler

    @usableFromInline
    init(method: HTTPMethod, handler: Handler) {
        self.method = method
        self.handler = handler
    }
}

extension ExactRoute: Sendable where Handler: Sendable {}
