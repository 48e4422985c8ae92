import HTTP1
import Reactor
import WebSocket

/// What a route handler learns about the connection besides the request.
public struct RequestContext {
    public let remoteAddress: PeerAddress
    public let loop: EventLoop
    public let connectionID: UInt64
    /// Path parameters of the matched route, e.g. `client_id`.
    public let parameters: [String: String]
}

public typealias HTTPHandler = @Sendable (HTTPRequest, RequestContext) -> HTTPResponse

/// For answers that need other loops or threads (stats across all loops, a disconnect
/// on the loop that owns the client): call `responder.complete(_:)` exactly once, from
/// any thread. The connection answers nothing else until then (HTTP order).
public typealias AsyncHTTPHandler = @Sendable (HTTPRequest, RequestContext, HTTPResponder) -> Void

/// A WebSocket route's answer to a valid upgrade request: a per-connection handler,
/// a refusal (401, 429, ...) sent as a plain HTTP response, or a decision that needs
/// another thread first (a cluster-wide limit asked of Redis).
public enum UpgradeDecision {
    /// `maxMessageBytes` overrides the server-wide limit for this connection.
    case accept(any WebSocketHandler, maxMessageBytes: Int? = nil)
    case reject(HTTPResponse)
    case deferred(DeferredUpgrade)
}

public typealias UpgradeHandler = @Sendable (HTTPRequest, RequestContext) -> UpgradeDecision

public enum Route: Sendable {
    case http(HTTPHandler)
    case async(AsyncHTTPHandler)
    case webSocket(UpgradeHandler)
}

/// The application's side of one WebSocket connection; called on its loop's thread.
public protocol WebSocketHandler: AnyObject {
    func webSocketDidOpen(_ connection: Connection)
    func webSocket(_ connection: Connection, didReceive message: WebSocketMessage)
    /// The connection is gone (closed cleanly or not); `close` says how.
    func webSocketDidClose(_ connection: Connection, close: WebSocketClose)
    /// The server is shutting down: last chance to send a goodbye before close 1001.
    func webSocketWillShutDown(_ connection: Connection)
    /// The outbound queue fell to the level asked for with `notifyWhenQueueBelow`.
    func webSocketDidDrain(_ connection: Connection)
    /// The client's own address when it is not the TCP peer (a trusted proxy's
    /// `X-Forwarded-For`), for the server's log lines about this connection; nil: the peer.
    func clientAddress(of connection: Connection) -> String?
}

extension WebSocketHandler {
    public func webSocketDidOpen(_ connection: Connection) {}
    public func webSocketDidClose(_ connection: Connection, close: WebSocketClose) {}
    public func webSocketWillShutDown(_ connection: Connection) {}
    public func webSocketDidDrain(_ connection: Connection) {}
    public func clientAddress(of connection: Connection) -> String? { nil }
}

/// The route table shared (immutably) by all loops.
public struct Routes: Sendable {
    var router = Router<Route>()
    /// Applied around every HTTP route (nil: none).
    public var filter: HTTPFilter?

    public init() {}

    public mutating func add(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping HTTPHandler) {
        router.add(method, pattern, .http(handler))
    }

    public mutating func addAsync(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping AsyncHTTPHandler) {
        router.add(method, pattern, .async(handler))
    }

    public mutating func webSocket(_ pattern: String, _ handler: @escaping UpgradeHandler) {
        router.add(.get, pattern, .webSocket(handler))
    }
}
