import HTTP1

/// Everything the networking core needs to know; the application fills it from
/// flags and environment.
public struct ServerConfiguration: Sendable {
    public var host = "0.0.0.0"
    public var port = 8000
    /// Event-loop threads; each owns its accepted connections.
    public var threads = 1
    public var http = HTTPLimits()
    /// Slowloris guard: a request's head must arrive within this many seconds.
    public var headerReadTimeout: Double = 10
    /// Idle keep-alive HTTP connections are closed after this many seconds.
    public var keepAliveTimeout: Double = 60
    public var webSocket = WebSocketSettings()
    /// Queued outbound bytes above which a connection stops being read (echo-style
    /// back-pressure) until the peer catches up.
    public var maxQueuedBytes = 1 << 20
    /// A connection whose queue makes no progress for this long is dropped.
    public var slowConsumerTimeout: Double = 30
    /// After we close (error response, close frame) we wait this long for the peer.
    public var lingerTimeout: Double = 2
    /// Per-process connection cap (nil: limited by file descriptors only).
    public var maxConnections: Int?
    /// Kernel send buffer (SO_SNDBUF) of every accepted socket, set once on the listeners
    /// and inherited (nil: the kernel's autotuning). Small bounds what a stalled peer
    /// pins in the kernel; Linux doubles the value for its bookkeeping.
    public var socketSendBuffer: Int?

    public init() {}
}

public struct WebSocketSettings: Sendable {
    /// Largest message (sum of fragments) accepted; bigger closes with 1009.
    public var maxMessageBytes = 64 * 1024
    /// Ping frames every this many seconds.
    public var heartbeatInterval: Double = 30
    /// Close 4408 when nothing (pong or any frame) arrived for this long.
    public var heartbeatTimeout: Double = 60
    /// Accept permessage-deflate (RFC 7692) when a client offers it; off, the offer is
    /// declined and frames with RSV1 fail the connection, as before the extension existed.
    public var deflate = false

    public init() {}
}
