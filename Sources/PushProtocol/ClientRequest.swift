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
}
