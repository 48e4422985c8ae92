/// The outcome of `Router.match`, which the server turns into a handler call, 405 or 404.
public enum RouteMatch<Handler> {
    /// A route matched; `parameters` holds the values of `{name}` segments.
    case found(Handler, parameters: [String: String])
    /// The path exists but not for this method; `allowed` feeds the `Allow` header.
    case methodNotAllowed(allowed: [HTTPMethod])
    case notFound
}

extension RouteMatch: Sendable where Handler: Sendable {}
