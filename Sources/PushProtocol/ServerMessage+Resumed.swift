import JSON
import Market

extension ServerMessage {
    /// The reply to a successful `resume`: the subscriptions the connection holds now (as
    /// `status` lists them) and `seq`, the last sequence number counted as sent: the next
    /// `price_update` (the snapshot that follows) carries `seq + 1`. `dropped` names
    /// restored targets the catalog no longer knows or the limit refused (omitted when none).
    public static func resumed(
        subscriptions: [SubscriptionKey], dropped: [SubscriptionKey], seq: UInt64, id: JSONValue?
    ) -> [UInt8] {
        message("resumed") { writer in
            writer.key("subscriptions")
            writer.subscriptionList(subscriptions)
            if !dropped.isEmpty {
                writer.key("dropped")
                writer.subscriptionList(dropped)
            }
            writer.key("seq")
            writer.int(Int(seq))
            writer.echoedID(id)
        }
    }
}

extension JSONWriter {
    /// `[{"subscription_type":…,"target":…},…]`, as `status` and `resumed` list them.
    mutating func subscriptionList(_ keys: [SubscriptionKey]) {
        beginArray()
        for key in keys {
            beginObject()
            subscriptionKey(key)
            endObject()
        }
        endArray()
    }
}
