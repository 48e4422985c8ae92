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
    /// `{"type":"resume","token":…,"last_seq":N}`: restore the session the token names.
    /// The token is any string (one the server never issued is refused like an expired
    /// one); `lastSeq` is the last `seq` the client saw, when it sent one.
    case resume(token: String, lastSeq: UInt64?)
}
