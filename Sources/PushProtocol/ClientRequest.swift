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
}
