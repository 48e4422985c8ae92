import Market

/// What a client asked for, after validation: every case is well-formed, so the
/// session handling it never re-checks fields.
public enum ClientRequest: Equatable, Sendable {
    /// Targets are non-empty, unique, in the client's order.
    case subscribe(SubscriptionType, targets: [String])
    /// Targets are non-empty, unique, in the client's order.
    case unsubscribe(SubscriptionType, targets: [String])
    /// `{"type":"unsubscribe","all":true}`.
    case unsubscribeAll
    case ping
    case getStatus
    /// `{"type":"subscribe","subscription_type":"notifications"}`: this connection also
    /// carries its user's notifications (no target: they are the user's own).
    case subscribeNotifications
    case unsubscribeNotifications
    /// `{"type":"ack","ids":[…]}`: notifications received; ids are well-formed queue ids,
    /// unique, in the client's order.
    case ack(ids: [String])
    /// `{"type":"resume","token":…,"last_seq":N}`: restore the session the token names.
    /// The token is any string (one the server never issued is refused like an expired
    /// one); `lastSeq` is the last `seq` the client saw, when it sent one.
    case resume(token: String, lastSeq: UInt64?)
}
