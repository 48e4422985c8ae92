import Market

/// Clients of one core that hold exactly the same subscriptions. They receive the
/// same stocks every tick, so they share one encoded price_update body.
final class SubscriptionGroup {
    let signature: [SubscriptionKey]
    let keys: [SubscriptionKey]
    var members: [PushClient] = []
    /// Active stocks the keys cover under the loop's current catalog.
    var covered: Set<String> = []

    init(signature: [SubscriptionKey], keys: [SubscriptionKey]) {
        self.signature = signature
        self.keys = keys
    }

    /// The keys in one canonical order, so the same set subscribed in any order finds
    /// the same group. The keys themselves, not a string built from them: joining runs
    /// on every subscribe and close.
    static func signature(of keys: [SubscriptionKey]) -> [SubscriptionKey] {
        if keys.count == 1 { return keys }  // the usual case: shares the session's storage
        return keys.sorted { ($0.type.rawValue, $0.target) < ($1.type.rawValue, $1.target) }
    }
}

@available(*, unavailable)
extension SubscriptionGroup: Sendable {}
