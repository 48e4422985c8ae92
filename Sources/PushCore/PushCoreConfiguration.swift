/// The limits the core enforces (names from the contract's settings).
public struct PushCoreConfiguration: Sendable {
    /// `WS_MAX_SUBSCRIPTIONS`: targets past it are refused one by one.
    public var maxSubscriptions = 200
    /// `WS_RATE_LIMIT` / `WS_RATE_BURST`: client messages per second per connection.
    public var rateLimit: Double = 20
    public var rateBurst: Double = 40
    /// Seconds of flooding without a one-second break before close 1008.
    public var floodCloseAfterSeconds: Double = 10
    /// Advertised in `connected` (whole seconds).
    public var heartbeatInterval = 30
    /// Subscribes a client may have waiting while the catalog loads; beyond, `not_ready`.
    public var maxPendingRequests = 16
    /// Written into session records, for operators reading Redis.
    public var instanceID = "local"

    public init() {}
}
