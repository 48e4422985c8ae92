import JSON
import PushProtocol

/// A message for one user (the notification design of the system StockPush replaces):
/// `{"type":"notification","data":{"id","title","content","type","link","source",
/// "created_at","status"}}`. Everything but `id` and `status` is fixed when it is sent,
/// so it is encoded once (`body`) and stored that way in the user's queue; the id is
/// the queue's (Redis stream entry id) and is spliced in per delivery. Not sent by any
/// route yet: it joins docs/asyncapi.yaml (and PushProtocol) with the notification stream.
public struct Notification: Sendable, Equatable {
    public var title: String
    public var content: String
    /// The sender's category, e.g. `info`, `analysis`, `alert`.
    public var kind: String
    public var link: String?
    /// Who sent it, e.g. `system` or a service name.
    public var source: String
    /// µs since the epoch.
    public var createdAt: Int64

    public init(
        title: String, content: String, kind: String = "info", link: String? = nil, source: String = "system", createdAt: Int64
    ) {
        self.title = title
        self.content = content
        self.kind = kind
        self.link = link
        self.source = source
        self.createdAt = createdAt
    }

    /// `"title":…,"content":…,"type":…,"link":…,"source":…,"created_at":…`: the members
    /// after `id`, without braces, as the queue stores them.
    public var body: [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("title")
        writer.string(title)
        writer.key("content")
        writer.string(content)
        writer.key("type")
        writer.string(kind)
        writer.key("link")
        if let link { writer.string(link) } else { writer.null() }
        writer.key("source")
        writer.string(source)
        writer.key("created_at")
        writer.timestamp(microseconds: createdAt)
        writer.endObject()
        // Drop the braces: the members are spliced between the id and the status.
        return Array(writer.buffer.readableBytesArray.dropFirst().dropLast())
    }
}

/// Whether the user has read a notification (`POST /api/notifications/{id}/read`).
public enum NotificationStatus: String, Sendable {
    case unread
    case read
}

extension Notification {
    /// The `notification` message of a stored `body` under its queue `id`.
    public static func message(id: String, body: [UInt8], status: NotificationStatus = .unread) -> [UInt8] {
        var message: [UInt8] = []
        message.reserveCapacity(body.count + id.utf8.count + 80)
        message += Array(#"{"type":"notification","data":{"id":""#.utf8)
        message += Array(id.utf8)  // a stream id: digits and one '-', nothing to escape
        message += Array(#"","#.utf8)
        message += body
        message += Array(#","status":""#.utf8)
        message += Array(status.rawValue.utf8)
        message += Array(#""}}"#.utf8)
        return message
    }
}

/// A queue id as Redis streams write them, `<ms>-<seq>`: checked before it reaches a
/// Redis command, so a client's `ack` cannot smuggle anything else in.
public enum NotificationID {
    public static func isValid(_ text: String) -> Bool {
        let parts = text.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return parts.allSatisfy { part in (1...20).contains(part.count) && part.allSatisfy { $0 >= 48 && $0 <= 57 } }
    }
}
