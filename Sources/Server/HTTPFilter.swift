import HTTP1

/// Behaviour around every HTTP route (not WebSocket upgrades), for concerns that
/// cut across routes such as CORS: the application decides, the server applies it
/// to every response, including 404s, 405s and answers completed later on another
/// thread, which a route could not all reach on its own.
public struct HTTPFilter: Sendable {
    /// Answers a request before routing when it returns a response (a CORS preflight,
    /// which no route registers OPTIONS for). Only asked for OPTIONS requests.
    public var answer: @Sendable (HTTPRequest, RequestContext) -> HTTPResponse?
    /// Header fields added to the route's response. Decided when the request arrives,
    /// so an asynchronous answer gets them too without the request at hand.
    public var headers: @Sendable (HTTPRequest, RequestContext) -> HTTPHeaders

    public init(
        answer: @escaping @Sendable (HTTPRequest, RequestContext) -> HTTPResponse?,
        headers: @escaping @Sendable (HTTPRequest, RequestContext) -> HTTPHeaders
    ) {
        self.answer = answer
        self.headers = headers
    }
}

extension HTTPHeaders {
    /// Appends every field of `other`, in order.
    mutating func append(_ other: HTTPHeaders) {
        for (name, value) in other { add(name: name, value: value) }
    }
}
