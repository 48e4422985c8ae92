import JSON
import PushProtocol

/// A message for one user (the notification design of the system StockPush replaces):
/// `{"type":"notification","data":{"id","title","content","type","link","source",
/// "created_at","status"}}`. Everything but `id` and `status` is fixed when it is sent,
/// so it is encoded once (`body`) and stored that way in the user's queue; the id is
/// the queue's (Redis stream entry id) and is spliced in per delivery
/// (`ServerMessage.notification`).
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
