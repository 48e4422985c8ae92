import JSON

/// The messages of notifications, on their own stream (`/api/ws/notifications`) and on a
/// price stream that subscribed to them.
extension ServerMessage {
    /// `{"type":"notification","data":{"id",…,"status"}}`: `body` holds the members
    /// between the id and the status, encoded once when the notification was sent (and
    /// stored so in the user's queue); only the id and the status are spliced in.
    public static func notification(id: String, body: [UInt8], read: Bool = false) -> [UInt8] {
        var message: [UInt8] = []
        message.reserveCapacity(body.count + id.utf8.count + 80)
        message += #"{"type":"notification","data":"#.utf8
        appendNotificationData(id: id, body: body, read: read, to: &message)
        message += "}".utf8
        return message
    }

    /// The `data` object of a notification (also an item of a user's history).
    public static func appendNotificationData(id: String, body: [UInt8], read: Bool, to bytes: inout [UInt8]) {
        bytes += #"{"id":""#.utf8
        bytes += id.utf8  // a stream id: digits and one '-', nothing to escape
        bytes += #"","#.utf8
        bytes += body
        bytes += #","status":""#.utf8
        bytes += (read ? "read" : "unread").utf8
        bytes += #""}"#.utf8
    }

    /// The reply to `subscribe` with `subscription_type` `notifications`.
    public static func notificationsSubscribed(id: JSONValue?) -> [UInt8] {
        message("subscribed") { writer in
            writer.key("subscription_type")
            writer.string("notifications")
            writer.echoedID(id)
        }
    }

    public static func notificationsUnsubscribed(id: JSONValue?) -> [UInt8] {
        message("unsubscribed") { writer in
            writer.key("subscription_type")
            writer.string("notifications")
            writer.echoedID(id)
        }
    }

    /// The reply to an `ack` that removed every id from the user's queue.
    public static func acked(ids: [String], id: JSONValue?) -> [UInt8] {
        message("acked") { writer in
            writer.key("ids")
            writer.beginArray()
            for queued in ids { writer.string(queued) }
            writer.endArray()
            writer.echoedID(id)
        }
    }

    /// An application-level keep-alive every heartbeat interval: browsers cannot see
    /// ping frames, and a page that hears nothing for two intervals should reconnect.
    public static func heartbeat(timestamp: Int64) -> [UInt8] {
        message("heartbeat") { writer in
            writer.key("data")
            writer.beginObject()
            writer.key("timestamp")
            writer.timestamp(microseconds: timestamp)
            writer.endObject()
        }
    }
}
