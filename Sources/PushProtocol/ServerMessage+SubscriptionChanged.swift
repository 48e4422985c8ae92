import JSON
import Market

extension ServerMessage {
    /// A held subscription's coverage changed with the catalog (a strategy edited or
    /// deleted, a stock (de)activated, a market's list changed). `stocks` is the whole
    /// new list, as `subscribed` would give it now; `added`/`removed` are the difference.
    public static func subscriptionChanged(
        _ key: SubscriptionKey, added: [String], removed: [String], stocks: [String]
    ) -> [UInt8] {
        message("subscription_changed") { writer in
            writer.subscriptionKey(key)
            let lists: [(StaticString, [String])] = [("added", added), ("removed", removed), ("stocks", stocks)]
            for (name, codes) in lists {
                writer.key(name)
                writer.beginArray()
                for code in codes { writer.string(code) }
                writer.endArray()
            }
        }
    }
}
