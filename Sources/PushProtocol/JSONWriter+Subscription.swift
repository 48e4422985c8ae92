import JSON
import Market

extension JSONWriter {
    /// `"subscription_type":…,"target":…`, the way every message names a subscription.
    mutating func subscriptionKey(_ key: SubscriptionKey) {
        self.key("subscription_type")
        string(key.type.rawValue)
        self.key("target")
        string(key.target)
    }
}
