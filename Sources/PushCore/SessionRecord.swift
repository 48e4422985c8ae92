import Market

/// What a session leaves behind for a client that comes back: stored in Redis under its
/// resume token (`SessionStore`), read by whichever instance the client resumes on.
///
/// The JSON is a contract between instances of different versions during a rolling
/// upgrade, so readers ignore fields they do not know and every field added later must
/// have a default. Kinds of subscription other than price targets go beside
/// `subscriptions` as fields of their own, as `"notifications":true` does.
public struct SessionRecord: Sendable, Equatable {
    /// Only this user may resume the session (`anonymous` for connections without a JWT).
    public var user: String
    /// The price-stream targets held, in subscription order.
    public var subscriptions: [SubscriptionKey]
    /// The last `seq` sent when the record was written.
    public var seq: UInt64
    /// The instance that wrote it (for operators reading Redis).
    public var instance: String
    /// The connection took its user's notifications (`subscription_type` `notifications`).
    public var notifications: Bool

    public init(
        user: String, subscriptions: [SubscriptionKey], seq: UInt64, instance: String, notifications: Bool = false
    ) {
        self.user = user
        self.subscriptions = subscriptions
        self.seq = seq
        self.instance = instance
        self.notifications = notifications
    }
}
