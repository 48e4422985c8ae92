import Buffers
import JSON
import Market

extension SessionRecord {
    /// `{"user":…,"subscriptions":[{"subscription_type":…,"target":…}],"seq":N,"instance":…}`,
    /// and `"notifications":true` when the connection took its user's notifications.
    public var json: [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("user")
        writer.string(user)
        writer.key("subscriptions")
        writer.beginArray()
        for key in subscriptions {
            writer.beginObject()
            writer.key("subscription_type")
            writer.string(key.type.rawValue)
            writer.key("target")
            writer.string(key.target)
            writer.endObject()
        }
        writer.endArray()
        writer.key("seq")
        writer.int(Int(clamping: seq))
        writer.key("instance")
        writer.string(instance)
        if notifications {
            writer.key("notifications")
            writer.bool(true)
        }
        writer.endObject()
        return writer.buffer.readableBytesArray
    }

    /// Reads a stored record; nil when it is not one. Unknown fields, and subscriptions of
    /// a type this version does not know, are skipped: a newer instance may have written it.
    public init?(json bytes: [UInt8]) {
        guard let value = try? JSONParser.parse(bytes), let user = value["user"]?.stringValue,
            let list = value["subscriptions"]?.arrayValue
        else { return nil }
        let seq = value["seq"]?.intValue ?? 0
        let subscriptions = list.compactMap { entry -> SubscriptionKey? in
            guard let type = entry["subscription_type"]?.stringValue.flatMap(SubscriptionType.init(rawValue:)),
                let target = entry["target"]?.stringValue, !target.isEmpty
            else { return nil }
            return SubscriptionKey(type, target)
        }
        self.init(
            user: user, subscriptions: subscriptions, seq: UInt64(max(0, seq)),
            instance: value["instance"]?.stringValue ?? "", notifications: value["notifications"]?.boolValue ?? false)
    }
}
