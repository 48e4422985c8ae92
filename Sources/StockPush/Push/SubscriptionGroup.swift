import Market

/// Sessions of one loop that hold exactly the same subscriptions. They receive the
/// same stocks every tick, so they share one encoded price_update body.
final class SubscriptionGroup {
    let signature: String
    let keys: [SubscriptionKey]
    var members: [PriceSession] = []
    /// Active stocks the keys cover under the loop's current catalog.
    var covered: Set<String> = []

    init(signature: String, keys: [SubscriptionKey]) {
        self.signature = signature
        self.keys = keys
    }

    /// A stable name for a set of keys, independent of subscription order.
    static func signature(of keys: [SubscriptionKey]) -> String {
        if keys.count == 1 { return keys[0].description }  // the usual case, without sorting or joining
        return keys.map(\.description).sorted().joined(separator: "|")
    }
}

@available(*, unavailable)
extension SubscriptionGroup: Sendable {}
